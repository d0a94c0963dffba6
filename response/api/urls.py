from ninja import NinjaAPI

api = NinjaAPI(title="Response API", version="1", urls_namespace="api")


@api.get("/ping", auth=None, include_in_schema=False)
def ping(request):
    return {"ok": True}
