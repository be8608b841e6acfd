from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


login_view = logout_view = password_change = audit_list = _todo


def locked_out(request, credentials=None, *args, **kwargs):
    return HttpResponse(status=429)
