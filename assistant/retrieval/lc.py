"""LangChain adapter: the hybrid retriever as a `BaseRetriever` returning `Document`s."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .types import Filters, Hit


def hit_document(hit: Hit) -> Document:
    """A LangChain Document for a hit: the provision text, with id, score and signals in metadata."""
    meta = dict(hit.meta) | {"id": hit.id, "score": hit.score, "signals": dict(hit.signals)}
    return Document(page_content=hit.text, metadata=meta, id=hit.id)


class LegalRetriever(BaseRetriever):
    """Wraps a `HybridRetriever` so LangChain chains can use it."""

    retriever: Any
    k: int = 8
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_document(h) for h in self.retriever.retrieve(query, self.k, self.filters)]
