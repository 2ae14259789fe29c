"""The knowledge base: articles in Markdown, versioned, searchable, suggested to requesters.

    save_article(article=None, *, acting_user, **values)  every change of title/body bumps version
    render_markdown(text)     -> sanitized HTML (nh3: no script, no event handlers, no javascript:)
    search_articles(query, user, service=None)   ranked full-text search on PostgreSQL,
                                                 icontains on SQLite
    suggest_articles(text, user, service=None, limit=5)  for a ticket being written: any of the
                                                 words may match, best first

Visibility is ``sso.permissions.visible_articles``: agency staff read public articles only.
"""

import re

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, ExpressionWrapper, IntegerField, Q, QuerySet, Value, When
from django.utils.safestring import mark_safe

from catalog.errors import InvalidLifecycleMove
from catalog.models import Article, Lifecycle
from sso import permissions
from sso.models import Role

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "have",
        "has",
        "not",
        "but",
        "are",
        "was",
        "were",
        "you",
        "your",
        "our",
        "can",
        "cannot",
        "when",
        "what",
        "how",
        "why",
        "who",
        "into",
        "out",
        "get",
        "got",
        "please",
        "need",
        "help",
        "does",
        "did",
        "any",
        "all",
        "its",
    ]
)
MAX_QUERY_WORDS = 12


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


def can_write_articles(user) -> bool:
    return permissions.can_edit_catalog(user) or (
        permissions.is_provider(user) and permissions.has_role(user, Role.AGENT)
    )


@transaction.atomic
def save_article(article: Article | None = None, *, acting_user, **values) -> Article:
    if not can_write_articles(acting_user):
        raise PermissionDenied("Articles are written by provider staff (agents, service owners).")
    creating = article is None
    article = article or Article(author=acting_user)
    if not creating and "service" in values and values["service"] != article.service:
        from django.core.exceptions import ValidationError

        raise ValidationError({"service": ["An article stays with its service."]})
    changed = creating or any(getattr(article, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(article, name, value)
    if article.service_id and article.service.lifecycle_state == Lifecycle.RETIRED and changed:
        raise InvalidLifecycleMove("A retired service's articles are kept as they were.")
    if not creating and changed:
        article.version += 1
    article.full_clean()
    article._history_user = acting_user
    article.save()
    return article


def _words(text: str) -> list[str]:
    seen = []
    for word in WORD.findall((text or "").lower()):
        if word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def _base(user, service) -> QuerySet:
    queryset = permissions.visible_articles(Article.objects.select_related("service"), user)
    if service is not None:
        queryset = queryset.filter(service=service)
    return queryset


def _ranked(queryset: QuerySet, words: list[str], *, any_word: bool) -> QuerySet:
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        if any_word:
            query = None
            for word in words:
                term = SearchQuery(word, config="english")
                query = term if query is None else query | term
        else:
            query = SearchQuery(" ".join(words), config="english", search_type="websearch")
        return (
            # ts_rank gives non-matches a tiny positive rank, so match with @@ explicitly.
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "title")
        )
    # SQLite: any (or every) word in the title or body; a title hit weighs twice a body hit.
    condition = None
    score = Value(0)
    for word in words:
        term = Q(title__icontains=word) | Q(body__icontains=word)
        if condition is None:
            condition = term
        else:
            condition = (condition | term) if any_word else (condition & term)
        score = (
            score
            + Case(When(title__icontains=word, then=Value(2)), default=Value(0))
            + Case(When(body__icontains=word, then=Value(1)), default=Value(0))
        )
    return (
        queryset.filter(condition)
        .annotate(rank=ExpressionWrapper(score, output_field=IntegerField()))
        .order_by("-rank", "title")
    )


def search_articles(query: str, user, service=None) -> QuerySet:
    """Articles matching every word of ``query`` (all visible articles for an empty query)."""
    words = _words(query)
    queryset = _base(user, service)
    if not words:
        return (
            queryset.order_by("service__name", "title")
            if not (query or "").strip()
            else queryset.none()
        )
    return _ranked(queryset, words, any_word=False)


def suggest_articles(text: str, user, service=None, limit: int = 5) -> list[Article]:
    """Articles that may answer what a requester is typing (any word may match), best first."""
    words = _words(text)
    if not words:
        return []
    return list(_ranked(_base(user, service), words, any_word=True)[:limit])
