"""Text: offensive-language score (pure Python, exact to scikit-learn), sentiment (MiniLM
embeddings + a head trained on tweets), similarity, a semantic search index, few-shot text
classes (frontml.learn), smart reply.

```python
from frontml.tasks.text import TextOptions, create_text_analyzer

text = await create_text_analyzer(TextOptions())
result = await text.process("I love this!")         # -> TextResult
print(result.sentiment.label, result.offensive.score, result.notes)
index = text.new_index(); await index.add_texts(text.embedder, docs)
hits = index.search(await text.embed("query"), k=3)
```
"""

from frontml.tasks.text.embedder import TextEmbedder, cosine
from frontml.tasks.text.offensive import OffensiveResult, OffensiveScorer
from frontml.tasks.text.search import SearchHit, SearchIndex
from frontml.tasks.text.sentiment import LABELS, SentimentHead, SentimentResult
from frontml.tasks.text.task import TextAnalyzer, TextOptions, TextResult, create_text_analyzer
from frontml.tasks.text.tokenizer import WordPieceTokenizer

__all__ = ["LABELS", "OffensiveResult", "OffensiveScorer", "SearchHit", "SearchIndex",
           "SentimentHead", "SentimentResult", "TextAnalyzer", "TextEmbedder", "TextOptions",
           "TextResult", "WordPieceTokenizer", "cosine", "create_text_analyzer"]
