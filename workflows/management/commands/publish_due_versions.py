from config.jobs import DatedJob
from workflows.actions.schedule import publish_due_versions


class Command(DatedJob):
    help = (
        "Publish adopted versions whose valid-from date has come (run daily from cron). "
        "Idempotent: running it again publishes nothing twice. Safe to start on every app "
        "server at once: one run does the work, the others end at once."
    )
    date_help = "Publish as of this date (YYYY-MM-DD) instead of today."

    def work(self, day):
        published = publish_due_versions(on=day)
        lines = [f"{case.diarienummer}: {case.document.title}" for case in published]
        return lines, f"{len(published)} version(s) published."
