"""``python manage.py seed_demo``: load the synthetic demo data and print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from workflows import demo


class Command(BaseCommand):
    help = "Load synthetic demo data (once) and print the demo logins. Refused in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded with OIK_ENV=production.")
        # The demo's past steps notify their users in the application; the e-mails they would
        # send (1,800 lines on the console backend) would bury the list of logins below.
        quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        with override_settings(MAILERS=quiet):
            created, logins = demo.seed()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded: Gmina Przykładowo."))
        else:
            self.stdout.write("Demo data already present; demo passwords reset.")
        width = max(len(row.username) for row in logins)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for row in logins:
            self.stdout.write(f"  {row.username.ljust(width)}  {row.name} – {row.role}")
        self.stdout.write("")
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in with one of them.")
