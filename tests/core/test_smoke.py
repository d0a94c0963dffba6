from django.test import Client


def test_home_and_health_answer(db):
    client = Client()
    assert client.get("/").status_code == 302  # the web UI asks for sign-in
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/admin/").status_code == 302
