"""Each pulled channel's schedule is a django-celery-beat periodic task ("pull <channel code>",
task `pulls.pull_channel`), kept in step with its connection and editable in the admin
(Periodic tasks: an admin may put it on a crontab instead of the interval)."""

from django_celery_beat.models import IntervalSchedule, PeriodicTask

TASK = "pulls.pull_channel"


def task_name(channel) -> str:
    return f"pull {channel.code}"


def schedule_pull(connection) -> PeriodicTask:
    """Create or update the channel's periodic pull: enabled with the connection's pulls, on its
    interval unless an admin moved it to another kind of schedule."""
    every, _ = IntervalSchedule.objects.get_or_create(
        every=connection.pull_every_minutes, period=IntervalSchedule.MINUTES
    )
    task = PeriodicTask.objects.filter(name=task_name(connection.channel)).first()
    if task is None:
        return PeriodicTask.objects.create(
            name=task_name(connection.channel),
            task=TASK,
            args=f"[{connection.channel_id}]",
            interval=every,
            enabled=connection.pull_enabled,
            description="Orders updated since the channel's cursor (see its connection).",
        )
    task.enabled = connection.pull_enabled
    task.args = f"[{connection.channel_id}]"
    if task.interval_id is not None:
        task.interval = every
    task.save()
    return task
