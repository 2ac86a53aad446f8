from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF file"), required=False)
    code = forms.CharField(
        label=_("or the hash or document number from the footer"),
        required=False,
        max_length=100,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.OIK_VERIFY_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large to be one of our documents."))
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("code", "").strip():
            raise forms.ValidationError(_("Upload the PDF or type the hash from its footer."))
        return data


class RegenerateForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the new version"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
