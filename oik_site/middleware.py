"""Project-wide middleware."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PolishByDefaultLocaleMiddleware(LocaleMiddleware):
    """Polish unless the user chose another language (the language switch's cookie).

    The people who run the procedure work in Polish whatever their browser says, so the
    browser's Accept-Language is not consulted (Django's ``LocaleMiddleware`` would serve
    English to an English-language browser).
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
