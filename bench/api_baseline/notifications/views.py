from rest_framework import viewsets

from .models import Notification, User
from .serializers import NotificationSerializer, UserSerializer
from .tasks import send_notification


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer


class NotificationViewSet(viewsets.ModelViewSet):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        notification = serializer.save()
        send_notification.delay(notification.id, data.get("smtp_user"), data.get("smtp_password"))
