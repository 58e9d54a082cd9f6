"""pipeline.run: order, parallel workers, pre-annotated input and per-article failures."""
from quotetrack.nlp import BuiltinAnnotator
from quotetrack.pipeline import Result, run
from quotetrack.records import Article

TEXTS = [f"Minister {name} said the bridge at {place} would reopen in spring."
         for name, place in [("Ada Lind", "Skarvik"), ("Bo Hale", "Norrby"), ("Cy Moss", "Vetter"),
                             ("Di Rowe", "Lunden"), ("Ed Park", "Ostmark")]]


def articles():
    return [Article(f"a{i}", t) for i, t in enumerate(TEXTS)]


def test_two_workers_give_the_same_results_in_input_order():
    one = list(run(articles(), jobs=1))
    two = list(run(articles(), jobs=2))
    assert [r.article.article_id for r in two] == [f"a{i}" for i in range(len(TEXTS))]
    assert [r.attributions for r in one] == [r.attributions for r in two]
    assert all(r.attributions and r.error is None for r in one)


def test_pre_annotated_items_skip_the_annotator_and_keep_their_place():
    docs = articles()
    pre = BuiltinAnnotator().annotate_one(docs[2])
    items = docs[:2] + [pre] + docs[3:]
    results = list(run(items, jobs=1))
    assert [r.article.article_id for r in results] == [a.article_id for a in docs]
    assert results[2].attributions == list(run([docs[2]]))[0].attributions


class _Exploding(BuiltinAnnotator):
    def annotate(self, articles):
        for a in articles:
            if a.article_id == "a1":
                raise ValueError("cannot tokenize this one")
            yield self.annotate_one(a)


def test_one_failing_article_is_an_error_result_and_the_rest_go_on():
    results = list(run(articles(), _Exploding(), jobs=1))
    assert [r.error is not None for r in results] == [False, True, False, False, False]
    assert isinstance(results[1], Result) and "cannot tokenize" in results[1].error
