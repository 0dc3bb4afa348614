from config.jobs import DatedJob
from workflows.actions.review import open_due_reviews


class Command(DatedJob):
    help = (
        "Open a review (aktualitetsprövning) for every valid document whose next review date, "
        "less its type's lead time, has come and that has no open case (run daily from cron). "
        "Idempotent, and safe to start on every app server at once: one run does the work."
    )
    date_help = "Open as of this date (YYYY-MM-DD), not after today."

    def work(self, day):
        opened = open_due_reviews(on=day)
        lines = [f"{case.diarienummer}: {case.document.title}" for case in opened]
        return lines, f"{len(opened)} review(s) opened."
