"""Serializers of accounts and of the client's result types. None of them carries a token.

Pagination links are built by ``pagination.InstagramCursorPagination`` from the API's cursor,
never from Instagram's ``next_url``, which may carry a token.
"""

from __future__ import annotations

from rest_framework import serializers

from ...models import InstagramAccount
from ...token_state import TokenState, token_state


class InstagramAccountSerializer(serializers.ModelSerializer):
    token_state = serializers.ChoiceField(
        choices=TokenState.choices, read_only=True, source="current_token_state",
        help_text="Computed from status and token_expires_at: active, expiring_soon, expired or needs_reauth.",
    )
    site_user = serializers.PrimaryKeyRelatedField(source="user", read_only=True)
    # Declared so the schema lists the choices without the model's enum default.
    api = serializers.ChoiceField(choices=InstagramAccount.Api.choices, read_only=True)
    status = serializers.ChoiceField(choices=InstagramAccount.Status.choices, read_only=True)

    class Meta:
        model = InstagramAccount
        fields = (
            "id", "site_user", "api", "instagram_user_id", "username", "full_name", "profile_picture_url",
            "account_type", "scopes", "status", "token_state", "token_expires_at", "token_refreshed_at",
            "last_error", "last_checked_at", "created", "updated",
        )
        read_only_fields = fields

    def to_representation(self, account):
        account.current_token_state = token_state(account).value
        return super().to_representation(account)


class ImageSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    username = serializers.CharField()


class CarouselChildSerializer(serializers.Serializer):
    """One item of a carousel; Instagram nests carousels one level deep."""

    id = serializers.CharField(allow_null=True)
    type = serializers.CharField(help_text="image or video.")
    link = serializers.CharField(allow_null=True)
    image_url = serializers.CharField(allow_null=True, help_text="The largest still picture, or a video's poster.")
    video_url = serializers.CharField(allow_null=True)
    images = serializers.DictField(child=ImageSerializer(), help_text="Renditions by name.")
    videos = serializers.DictField(child=ImageSerializer())


class MediaSerializer(CarouselChildSerializer):
    caption = serializers.CharField(source="caption_text")
    created_time = serializers.DateTimeField(allow_null=True)
    user = UserSummarySerializer(allow_null=True)
    media_product_type = serializers.CharField(allow_null=True, help_text="Graph only: FEED, REELS or STORY.")
    shortcode = serializers.CharField(allow_null=True)
    likes_count = serializers.IntegerField(allow_null=True)
    comments_count = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    carousel_media = CarouselChildSerializer(many=True)


class CommentSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    created_time = serializers.DateTimeField(allow_null=True)
    from_user = UserSummarySerializer(allow_null=True)
    like_count = serializers.IntegerField(allow_null=True)
    replies = serializers.SerializerMethodField()

    def get_replies(self, comment) -> list[dict]:
        return CommentSerializer(comment.replies, many=True).data


class CountsSerializer(serializers.Serializer):
    media = serializers.IntegerField(allow_null=True)
    follows = serializers.IntegerField(allow_null=True)
    followed_by = serializers.IntegerField(allow_null=True)


class ProfileSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)
    username = serializers.CharField()
    full_name = serializers.CharField()
    profile_picture = serializers.CharField(allow_null=True)
    bio = serializers.CharField()
    website = serializers.CharField()
    account_type = serializers.CharField(allow_null=True)
    counts = CountsSerializer()
