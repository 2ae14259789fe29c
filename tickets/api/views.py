from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from sso import permissions
from sso.api.viewsets import TenantScopedCreateReadViewSet
from tickets import conversation, triage, workflow
from tickets.api.filters import TicketFilter
from tickets.api.serializers import (
    AttachmentSerializer,
    CommentSerializer,
    DecisionSerializer,
    EscalationSerializer,
    EventSerializer,
    RatingSerializer,
    TicketSerializer,
    TransitionSerializer,
)
from tickets.models import Attachment, Comment, SatisfactionRating, Ticket, TicketEvent


class TicketViewSet(TenantScopedCreateReadViewSet):
    """Tickets of the caller's agency (all agencies for provider staff).

    Agency staff file for their own agency (``agency`` defaults to theirs). Status changes go
    through ``transition/``; PATCH changes details, priority, service and assignment, with
    ``If-Match`` (412 when stale). A retired or not-yet-live service is 409.
    """

    queryset = Ticket.objects.select_related(
        "agency", "service", "team", "assignee", "requester", "request_type"
    ).prefetch_related("tags", "watchers")
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ["opened_at", "priority", "resolution_due_at", "response_due_at", "number"]
    ordering = ["-opened_at", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # A list row answers its related objects by id (the ``*_id`` columns), so the list
            # needs none of the joins: 500 rows without 3,000 related instances to build. Tags
            # and watchers are read for the whole page by TicketListSerializer.
            queryset = queryset.select_related(None).prefetch_related(None)
        return queryset

    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    # Filing has its own rule (can_file_ticket, checked by create_ticket), not the write roles.
    create.operation_checks_roles = True

    def _ticket_response(self, ticket, code=status.HTTP_200_OK):
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(self.get_serializer(ticket).data, status=code)

    @extend_schema(request=TransitionSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the ticket to another status; 409 when the workflow forbids it."""
        ticket = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = workflow.transition(
            ticket,
            data.validated_data["status"],
            acting_user=request.user,
            note=data.validated_data.get("note", ""),
            at=data.validated_data.get("at"),
        )
        return self._ticket_response(ticket)

    transition.operation_checks_roles = True

    @extend_schema(request=DecisionSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The agency approver approves a request awaiting approval."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = workflow.approve(
            self.get_object(), acting_user=request.user, note=data.validated_data.get("note", "")
        )
        return self._ticket_response(ticket)

    approve.operation_checks_roles = True

    @extend_schema(request=DecisionSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = workflow.reject(
            self.get_object(), acting_user=request.user, note=data.validated_data.get("note", "")
        )
        return self._ticket_response(ticket)

    reject.operation_checks_roles = True

    @extend_schema(request=EscalationSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """To the next tier (or the given higher-tier team), with a reason."""
        data = EscalationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = triage.escalate(
            self.get_object(),
            acting_user=request.user,
            reason=data.validated_data["reason"],
            team=data.validated_data.get("team"),
        )
        return self._ticket_response(ticket)

    @extend_schema(request=None, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"], url_path="rerun-rules")
    def rerun_rules(self, request, pk=None):
        ticket = self.get_object()
        triage.rerun_rules(ticket, acting_user=request.user)
        return self._ticket_response(ticket)

    @extend_schema(methods=["get"], responses={200: CommentSerializer(many=True)}, request=None)
    @extend_schema(methods=["post"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=CommentSerializer)
    def comments(self, request, pk=None):
        """Public replies and internal notes; agency users never see internal notes."""
        ticket = self.get_object()
        if request.method == "GET":
            comments = permissions.visible_comments(
                Comment.objects.filter(ticket=ticket).order_by("created_at", "pk"), request.user
            )
            page = self.paginate_queryset(comments)
            return self.get_paginated_response(CommentSerializer(page, many=True).data)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = conversation.add_comment(
            ticket,
            acting_user=request.user,
            body=data.validated_data["body"],
            internal=data.validated_data.get("internal", False),
            author=data.validated_data.get("author"),
            created_at=data.validated_data.get("created_at"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    comments.operation_checks_roles = True

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=EventSerializer)
    def events(self, request, pk=None):
        """The timeline: transitions, assignments, escalations, priority changes, breaches."""
        ticket = self.get_object()
        events = permissions.visible_comments(
            TicketEvent.objects.filter(ticket=ticket).order_by("at", "pk"), request.user
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(methods=["get"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["post"], request=AttachmentSerializer, responses={201: AttachmentSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=AttachmentSerializer,
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        """Files on the ticket (multipart ``file``); size and type limits apply."""
        ticket = self.get_object()
        if request.method == "GET":
            files = permissions.visible_comments(
                Attachment.objects.filter(ticket=ticket).order_by("uploaded_at", "pk"),
                request.user,
            )
            page = self.paginate_queryset(files)
            return self.get_paginated_response(AttachmentSerializer(page, many=True).data)
        data = AttachmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = data.validated_data.get("comment")
        if (
            comment is not None
            and not permissions.visible_comments(
                Comment.objects.filter(pk=comment.pk), request.user
            ).exists()
        ):
            raise Http404
        attachment = conversation.add_attachment(
            ticket, acting_user=request.user, upload=data.validated_data["file"], comment=comment
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    attachments.operation_checks_roles = True

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-download",
    )
    def download(self, request, pk=None, attachment_id=None):
        ticket = self.get_object()
        attachment = permissions.get_visible_or_404(
            permissions.visible_comments(Attachment.objects.filter(ticket=ticket), request.user),
            request.user,
            pk=attachment_id,
        )
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(methods=["post"], request=RatingSerializer, responses={201: RatingSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=RatingSerializer)
    def rating(self, request, pk=None):
        """The requester's 1-5 rating once the ticket is resolved (once)."""
        ticket = self.get_object()
        if request.method == "GET":
            rating = SatisfactionRating.objects.filter(ticket=ticket).first()
            if rating is None:
                raise Http404("Not rated yet.")
            return Response(RatingSerializer(rating).data)
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = conversation.rate(
            ticket,
            acting_user=request.user,
            score=data.validated_data["score"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    rating.operation_checks_roles = True
