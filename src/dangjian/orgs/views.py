from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


org_tree = org_create = org_detail = org_edit = officer_appoint = officer_end = _todo
