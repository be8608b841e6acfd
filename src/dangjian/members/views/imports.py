from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


import_upload = import_template = import_preview = import_confirm = member_export = _todo
