from django.http import HttpResponse


def locked_out(request, credentials=None, *args, **kwargs):
    return HttpResponse(status=429)
