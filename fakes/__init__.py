"""Local stand-ins for the services Response's integrations talk to (PagerDuty, Statuspage, Jira,
GitHub, a webhook receiver), for tests and the demo: each speaks only as much of its service's
HTTP API as Response uses, over real HTTP, and can be made to fail like the real one.

    from fakes.service import FakeService
    service = FakeService().start()
    service.outage()          # every request answered 503 until recover()
    service.drop_answers(1)   # the next request is applied, then its answer lost

Like fakeslack, nothing here imports Response or Django.
"""
