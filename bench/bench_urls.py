from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from response.urls import urlpatterns as response_urlpatterns


@csrf_exempt
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare", bare), *response_urlpatterns]
