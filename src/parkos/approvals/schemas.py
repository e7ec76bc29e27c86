from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class StepOut(Schema):
    id: UUID
    position: int
    name: str
    role: str
    scope: str
    deadline_days: int
    sign_off: str


class ProcessOut(Schema):
    id: UUID
    code: str
    name: str
    allow_batch: bool
    active: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(process):
        return list(process.steps.all())


class StepIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    role: str
    scope: str = "park"
    deadline_days: int = 5
    sign_off: str = "any"


class ProcessIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    allow_batch: bool = False
    active: bool = True
    steps: list[StepIn]


class CaseOut(Schema):
    id: UUID
    process: str = Field(..., alias="process.code")
    subject_type: str
    subject_id: str
    title: str
    status: str
    current_step: StepOut | None = None
    deadline: date | None
    overdue: bool
    applicant: UUID = Field(..., alias="applicant_id")
    enterprise: UUID | None = Field(None, alias="enterprise_id")
    park: UUID | None = Field(None, alias="park_id")
    submitted_at: datetime | None
    closed_at: datetime | None
    created_at: datetime


class CaseAttachmentOut(Schema):
    id: UUID
    name: str
    content_type: str
    size: int


class CaseEventOut(Schema):
    id: UUID
    kind: str
    actor: UUID | None = Field(None, alias="actor_id")
    step: str | None = Field(None, alias="step.name")
    from_status: str
    to_status: str
    text: str
    at: datetime
    attachments: list[CaseAttachmentOut] = Field(default_factory=list)

    @staticmethod
    def resolve_attachments(event):
        return list(event.attachments.all())


class CaseDetailOut(CaseOut):
    events: list[CaseEventOut] = Field(..., alias="timeline")
    actions: list[str]


class CaseCommentIn(Schema):
    text: str = ""


class ApproveIn(Schema):
    comment: str = ""


class RejectIn(Schema):
    reason: str = ""


class ReturnIn(Schema):
    comment: str = ""


class BatchApproveIn(Schema):
    cases: list[UUID]
    comment: str = ""


class NotificationOut(Schema):
    id: UUID
    title: str
    body: str
    url: str
    read_at: datetime | None
    created_at: datetime


class NotificationsReadIn(Schema):
    ids: list[UUID] | None = None


class UnreadOut(Schema):
    unread: int
