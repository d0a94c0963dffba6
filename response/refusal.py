"""`Refusal`: a process will not start, for a reason a person can fix.

Its message is a line or two naming the variable (or the step) and the fix; the console script
prints it and exits 1, without a traceback. Raised by the layers that find the reason (the
`.env` reader, the Slack adapter's start-up, the processes), caught in one place
(response.cli). This module imports nothing: any layer may use it.
"""


class Refusal(Exception):
    pass
