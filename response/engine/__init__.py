"""The durable work engine: everything Response does later runs here, written once.

Slack calls, delivered events, reminders and integrations are *kinds* of job
(`response.engine.kinds.job_kind`: a frozen dataclass is the payload's schema, its `perform`
says what doing the job means). `response.engine.queue.enqueue` writes a job in the caller's
transaction and wakes a worker after the commit. The engine (`response.engine.pool.Engine`)
runs lanes:

- **Lanes keep order.** Jobs of one lane (an incident's Slack calls, a channel's events) run one
  after the other in id order; independent lanes run in parallel.
- **What people see comes first.** Lanes are picked by priority (replies and edits, then inbound
  events, then background work), each for a short slice, so a backlog never starves a reply.
- **Exactly once where the database can see it.** A transactional kind (DB-only work: an event's
  handlers, a reminder) runs inside the transaction that marks it done: after `kill -9` at any
  point its effect exists once. A remote kind (a Slack call) runs outside any transaction under a
  lease; what it records runs in the transaction that marks it done.
- **Failures are isolated and visible.** `Retry` (a remote service rate-limits or is down) holds
  the lane, in order, until it answers; any other error is retried a few times with backoff and
  then the job is parked as *dead* (listed by `response jobs` and in the admin), so a poisoned
  job never blocks its lane for more than about a minute. `Failed` parks it at once.
- **Prompt recovery.** When a remote service answers again (any success, or the sweep's probe),
  every job waiting for it is released at once.
"""
