from rest_framework import serializers

from .models import Notification, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "phone", "telegram_chat_id"]


class NotificationSerializer(serializers.ModelSerializer):
    user_id = serializers.PrimaryKeyRelatedField(source="user", queryset=User.objects.all())
    smtp_user = serializers.CharField(write_only=True, required=False)
    smtp_password = serializers.CharField(write_only=True, required=False)

    class Meta:
        model = Notification
        fields = ["id", "user_id", "message", "status", "delivered_via", "created_at", "smtp_user", "smtp_password"]
        read_only_fields = ["status", "delivered_via", "created_at"]

    def create(self, validated_data):
        validated_data.pop("smtp_user", None)
        validated_data.pop("smtp_password", None)
        return super().create(validated_data)
