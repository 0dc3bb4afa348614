from django.conf import settings
from django.utils import translation


class DefaultLanguageMiddleware:
    """Swedish unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would
    show most municipal PCs (with English browsers) an English UI. Here only an
    explicit choice (the language cookie set by the language switcher) changes
    the language; otherwise LANGUAGE_CODE applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
