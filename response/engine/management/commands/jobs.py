"""`response jobs`: what the work engine is doing, and what to do about dead jobs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from response.engine import operations
from response.engine.models import Job


class Command(BaseCommand):
    help = (
        "Show the work engine's jobs: counts by kind and state, the oldest waiting, the dead "
        "ones with their errors. `retry ID…` / `discard ID…` (or --all-dead) act on dead jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["list", "retry", "discard"])
        parser.add_argument("ids", nargs="*", type=int, help="dead job ids")
        parser.add_argument("--all-dead", action="store_true", help="every dead job")

    def handle(self, *args, action, ids, all_dead, **options):
        if action in {"retry", "discard"}:
            if not ids and not all_dead:
                raise CommandError(f"Say which dead jobs to {action}: job ids, or --all-dead.")
            jobs = Job.objects.filter(state=Job.State.DEAD)
            if not all_dead:
                jobs = jobs.filter(pk__in=ids)
            done = (operations.retry if action == "retry" else operations.discard)(jobs)
            verb = "will be tried again" if action == "retry" else "discarded"
            self.stdout.write(f"{done} dead job(s) {verb}.")
            return
        self._show(operations.overview())

    def _show(self, view: operations.Overview) -> None:
        now = timezone.now()
        states = [state.value for state in Job.State]
        kinds = sorted({kind for kind, _ in view.counts})
        width = max([len("kind"), *(len(kind) for kind in kinds)])
        self.stdout.write(f"{'kind':<{width}}  " + "  ".join(f"{s:>9}" for s in states))
        for kind in kinds:
            row = "  ".join(f"{view.counts.get((kind, s), 0):>9}" for s in states)
            self.stdout.write(f"{kind:<{width}}  {row}")
        if not kinds:
            self.stdout.write("(no jobs)")
        if view.oldest_pending:
            age = (now - view.oldest_pending).total_seconds()
            self.stdout.write(f"\noldest pending job: queued {age:.0f} s ago")
        if view.oldest_due:
            waiting = (now - view.oldest_due).total_seconds()
            self.stdout.write(f"oldest due job: due {waiting:.0f} s ago")
        if view.dead:
            self.stdout.write(
                f"\ndead jobs ({len(view.dead)} shown; retry with `response jobs "
                "retry ID`, or discard):"
            )
            for job in view.dead:
                error = job.last_error.splitlines()[0][:100] if job.last_error else ""
                self.stdout.write(
                    f"  #{job.pk}  {job.kind}  [{job.lane}]  after {job.failures} failure(s): "
                    f"{error}"
                )
