"""Pages of the procedure, by topic. Thin: selectors read (and check access), services write.

- ``lists``: the inbox, the deadlines dashboard, the case search;
- ``case``: the case page, its NK-A cards and the reconciliation of their people;
- ``cards``: the initiator's own cards (filling an NK-A, sending its original);
- ``base``: ``StepView``, the page of one step; the steps by topic in ``group``,
  ``meetings``, ``actions``, ``closure`` and ``records`` (withdraw or correct a record).

A procedure the user may not see answers 404, exactly like a missing one; a step the user
sees but may not take answers 403 (``workflows.permissions``). Every form goes through
``workflows.web.form_submit``: a refused step re-renders its form with the services'
messages next to the fields, and nothing is written.
"""
