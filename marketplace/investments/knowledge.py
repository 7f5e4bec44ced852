"""The entry knowledge test as data (`data/knowledge_test.toml`), and grading an attempt.

Pure module: no Flask, no database. The questions are read and checked once per process.
"""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEST_FILE = Path(__file__).with_name("data") / "knowledge_test.toml"
LOCALES = ("nl", "en")


@dataclass(frozen=True)
class Choice:
    id: str
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    text: dict[str, str]
    choices: tuple[Choice, ...]
    correct: str
    explanation: dict[str, str]


@dataclass(frozen=True)
class KnowledgeTest:
    version: str
    pass_mark: int
    valid_years: int
    questions: tuple[Question, ...]

    def for_locale(self, locale: str) -> dict:
        """The questions without their answers, in one language (what an investor sees)."""
        locale = locale if locale in LOCALES else "nl"
        return {
            "version": self.version,
            "pass_mark": self.pass_mark,
            "questions": [
                {
                    "id": q.id,
                    "text": q.text[locale],
                    "choices": [{"id": c.id, "text": c.text[locale]} for c in q.choices],
                }
                for q in self.questions
            ],
        }


def _texts(entry: dict, prefix: str = "") -> dict[str, str]:
    texts = {locale: str(entry.get(f"{prefix}{locale}", "")).strip() for locale in LOCALES}
    if not all(texts.values()):
        raise ValueError(f"knowledge test: {entry.get('id')!r} lacks {prefix or 'text'} in nl/en")
    return texts


def parse_test(data: dict) -> KnowledgeTest:
    """Check the data: unique ids, a correct choice that exists, texts in both languages."""
    questions = []
    for entry in data["questions"]:
        choices = tuple(Choice(str(c["id"]), _texts(c)) for c in entry["choices"])
        ids = [c.id for c in choices]
        if len(set(ids)) != len(ids) or entry["correct"] not in ids:
            raise ValueError(f"knowledge test: question {entry['id']!r} has bad choices")
        questions.append(
            Question(
                id=str(entry["id"]),
                text=_texts(entry),
                choices=choices,
                correct=str(entry["correct"]),
                explanation=_texts(entry, "explanation_"),
            )
        )
    if len({q.id for q in questions}) != len(questions):
        raise ValueError("knowledge test: question ids must be unique")
    pass_mark = int(data["pass_mark"])
    if not 0 < pass_mark <= len(questions):
        raise ValueError("knowledge test: the pass mark must be between 1 and the question count")
    return KnowledgeTest(
        str(data["version"]), pass_mark, int(data.get("valid_years", 2)), tuple(questions)
    )


@lru_cache(maxsize=1)
def load_test() -> KnowledgeTest:
    with TEST_FILE.open("rb") as handle:
        return parse_test(tomllib.load(handle))


@dataclass(frozen=True)
class Result:
    question_id: str
    correct: bool
    correct_choice_id: str
    explanation: str


@dataclass(frozen=True)
class Grade:
    correct: int
    questions: int
    passed: bool
    results: tuple[Result, ...]


def unknown_answers(test: KnowledgeTest, answers: dict[str, str]) -> dict[str, list[str]]:
    """Answers naming a question or choice the test does not have: {question id: [problem]}."""
    by_id = {q.id: q for q in test.questions}
    problems: dict[str, list[str]] = {}
    for question_id, choice_id in answers.items():
        question = by_id.get(question_id)
        if question is None:
            problems[question_id] = ["unknown question"]
        elif choice_id not in {c.id for c in question.choices}:
            problems[question_id] = ["unknown choice"]
    return problems


def grade(test: KnowledgeTest, answers: dict[str, str], locale: str) -> Grade:
    """Mark every question (an unanswered one is wrong) and explain each, right or wrong."""
    locale = locale if locale in LOCALES else "nl"
    results = tuple(
        Result(q.id, answers.get(q.id) == q.correct, q.correct, q.explanation[locale])
        for q in test.questions
    )
    correct = sum(result.correct for result in results)
    return Grade(correct, len(results), correct >= test.pass_mark, results)
