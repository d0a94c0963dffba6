from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "response.integrations.trackers"
    label = "integrations_trackers"
    verbose_name = "Issue trackers"

    def ready(self) -> None:
        # The job kinds and the receiver exist whether a tracker is set up or not: a job queued
        # before a restart still runs, and a receiver only hears of exports when one is.
        from response.engine import health
        from response.integrations.trackers import github, jira, jobs, receivers  # noqa: F401

        receivers.connect()
        health.PROBES.register(jira.REMOTE, jira.probe)
        health.PROBES.register(github.REMOTE, github.probe)
