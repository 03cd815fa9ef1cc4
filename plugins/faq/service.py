"""FAQ rules: listing, editing and importing entries of the current tenant."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.api import audit, current_tenant_id, process_cache, session
from plugins.faq.models import FaqEntry

MAX_QUESTION = 300


def published_entries(limit: int | None = None) -> list[FaqEntry]:
    """The published entries in their order (the first ``limit`` of them if given)."""
    stmt = select(FaqEntry).where(FaqEntry.published.is_(True)).order_by(FaqEntry.position, FaqEntry.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Question:
    """A published question as the dashboard lists it (kept per worker, so no database row)."""

    id: int
    question: str


def dashboard_questions(limit: int) -> tuple[Question, ...]:
    """The first ``limit`` published questions, kept per worker until an entry or a setting changes."""
    return process_cache().get(
        ("faq.dashboard", current_tenant_id(), limit),
        lambda: tuple(Question(entry.id, entry.question) for entry in published_entries(limit)),
    )


def all_entries() -> list[FaqEntry]:
    return list(session.scalars(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id)))


def add_entry(question: str, answer: str, position: int | None = None, published: bool = True) -> FaqEntry:
    if position is None:
        position = (session.scalar(select(func.max(FaqEntry.position))) or 0) + 10
    entry = FaqEntry(question=question.strip(), answer=answer.strip(), position=position, published=published)
    session.add(entry)
    session.flush()
    audit("faq.add", "faq_entry", entry.id, None, {"question": entry.question})
    return entry


def update_entry(entry: FaqEntry, question: str, answer: str, position: int, published: bool) -> None:
    before = {
        "question": entry.question,
        "answer": entry.answer,
        "position": entry.position,
        "published": entry.published,
    }
    entry.question, entry.answer, entry.position, entry.published = (
        question.strip(),
        answer.strip(),
        position,
        published,
    )
    audit("faq.update", "faq_entry", entry.id, before, {"question": entry.question, "published": published})


def delete_entry(entry: FaqEntry) -> None:
    audit("faq.delete", "faq_entry", entry.id, {"question": entry.question}, None)
    session.delete(entry)


@dataclass(frozen=True)
class ImportProblem:
    line: int
    reason: str


def parse_import(text: str) -> tuple[list[tuple[str, str]], list[ImportProblem]]:
    """Parse ``question | answer`` lines (blank lines and ``#`` comments skipped); report every bad line."""
    rows: list[tuple[str, str]] = []
    problems: list[ImportProblem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        question, sep, answer = stripped.partition("|")
        if not sep:
            problems.append(ImportProblem(number, "expected 'question | answer'"))
        elif not question.strip() or not answer.strip():
            problems.append(ImportProblem(number, "the question and the answer must not be empty"))
        elif len(question.strip()) > MAX_QUESTION:
            problems.append(ImportProblem(number, f"the question is longer than {MAX_QUESTION} characters"))
        else:
            rows.append((question.strip(), answer.strip()))
    return rows, problems
