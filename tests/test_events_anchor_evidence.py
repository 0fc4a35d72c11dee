"""The name-anchor veto reads only names the articles establish (issue: headline-only
articles split into many events).

A name anchors an event only when it is one of the members' actor names (the
features' ``names``, not any capitalised word) with evidence of at least
``ANCHOR_EVIDENCE``: one member writes it more than once, or two members give it. A
title-case headline without a body gives none (its capitals say nothing of which
words are names). Items that do not tell their names (``names=None``) keep the veto
as it was: every entity key but places and numbers may anchor.
"""

from __future__ import annotations

import collections
import json

from newscorpus.dedup.base import Meta
from newscorpus.events import EventItem
from newscorpus.events.clustering import ANCHOR_EVIDENCE, Cluster, ClusterItem, OnlineClusterer, Params, _unit
from newscorpus.events.dates import ArticleDate
from newscorpus.events.default import DefaultEventBuilder, _name_evidence
from newscorpus.events.state import _cluster_data, _cluster_from
from newscorpus.models import Article, Provenance, Timestamp

KIND = {"rehab": 1.0, "checks": 1.0, "centre": 1.0}


def item(iid: str, entities: dict[str, float], names: dict[str, int] | None) -> ClusterItem:
    ents = _unit(entities)
    return ClusterItem(iid, "en", ArticleDate(), ents, _unit(dict(KIND)), keys=tuple(ents), names=names)


def cluster_of(clusterer: OnlineClusterer, cid: str, items: list[ClusterItem]) -> Cluster:
    c = clusterer.new_cluster(cid)
    for it in items:
        clusterer.join(it, c)
    return c


def article(aid: str, title: str, body: tuple[str, ...] = ()) -> Article:
    return Article(
        id=aid,
        provenance=Provenance("test", aid),
        title=title,
        body=body,
        language="en",
        published=Timestamp("2014-03-10", "day", "header"),
    )


def test_established_names_anchor_and_veto() -> None:
    clusterer = OnlineClusterer(Params())
    reid = cluster_of(clusterer, "reid", [item("r1", {"reid": 3.0, "tara": 2.0}, {"reid": 2, "tara": 2})])
    lohan = cluster_of(clusterer, "lohan", [item("l1", {"lohan": 3.0, "lindsay": 2.0}, {"lohan": 2, "lindsay": 2})])
    assert reid.top_names(1) == ["reid"]
    assert clusterer.anchors_differ(reid, lohan)
    assert clusterer.centroid_link(reid, lohan) == 0.0


def test_a_single_mention_is_no_anchor_two_members_are() -> None:
    clusterer = OnlineClusterer(Params())
    reid = cluster_of(clusterer, "reid", [item("r1", {"reid": 3.0, "tara": 2.0}, {"reid": 1, "tara": 1})])
    lohan = cluster_of(clusterer, "lohan", [item("l1", {"lohan": 3.0, "lindsay": 2.0}, {"lohan": 1, "lindsay": 1})])
    assert reid.top_names(1) == [] == lohan.top_names(1)
    assert not clusterer.anchors_differ(reid, lohan)
    assert clusterer.centroid_link(reid, lohan) > 0.0
    # A second member giving the name once establishes it.
    reid.add(item("r2", {"reid": 3.0, "promises": 1.0}, {"reid": 1}))
    assert reid.name_keys == {"reid": 2, "tara": 1}
    assert ANCHOR_EVIDENCE == 2 and reid.top_names(1) == ["reid"]


def test_a_capitalised_word_that_is_no_name_never_anchors() -> None:
    # "Rehab" weighs most, but the members give only "reid" as a name.
    clusterer = OnlineClusterer(Params())
    c = cluster_of(clusterer, "c", [item("r1", {"rehab": 5.0, "reid": 3.0}, {"reid": 2})])
    assert c.top_names(1) == ["reid"]


def test_untold_names_keep_the_veto_as_it_was() -> None:
    clusterer = OnlineClusterer(Params())
    reid = cluster_of(clusterer, "reid", [item("r1", {"reid": 3.0, "tara": 2.0}, None)])
    assert reid.name_keys is None and reid.top_names(1) == ["reid"]
    # One untold member makes the whole event untold, also through a merge.
    told = cluster_of(clusterer, "told", [item("t1", {"reid": 3.0}, {"reid": 2})])
    told.absorb(reid)
    assert told.name_keys is None


def test_merged_events_sum_their_evidence() -> None:
    clusterer = OnlineClusterer(Params())
    a = cluster_of(clusterer, "a", [item("a1", {"reid": 3.0}, {"reid": 1})])
    b = cluster_of(clusterer, "b", [item("b1", {"reid": 3.0}, {"reid": 1, "tara": 1})])
    assert a.top_names(1) == []
    a.absorb(b)
    assert a.name_keys == {"reid": 2, "tara": 1}
    assert a.top_names(1) == ["reid"]


def test_name_evidence_of_articles() -> None:
    builder = DefaultEventBuilder()

    def evidence(a: Article) -> dict[str, int]:
        analysis = builder.analysis_of(builder.features(a))
        assert analysis is not None
        return _name_evidence(analysis, len(a.text))

    # A title-case headline alone: no evidence at all.
    assert evidence(article("t", "Lindsay Lohan Checks Into Rehab Centre In Malibu")) == {}
    # A sentence-case headline alone: its names, once each.
    headline = "NSA leaker Snowden says he has no regrets"
    assert evidence(article("s", headline)) == {"nsa": 1}
    # With a body: a name the headline and the body both write is written more than
    # once; one the body writes once counts once.
    body = ("Former NSA contractor Edward Snowden told a conference in Austin on Monday that he had no regrets.",)
    assert evidence(article("b", headline, body)) == {"nsa": 2, "edward": 1, "snowden": 1}


def test_the_state_keeps_the_evidence_and_reads_old_files() -> None:
    clusterer = OnlineClusterer(Params())
    c = cluster_of(clusterer, "c", [item("r1", {"reid": 3.0}, {"reid": 1})])
    data = json.loads(json.dumps(_cluster_data(c)))
    assert _cluster_from("c", 0, data).name_keys == {"reid": 1}
    del data["name_keys"]  # a state written before the evidence: every name key may anchor
    assert _cluster_from("c", 0, data).name_keys is None


def test_title_case_headlines_of_one_story_are_not_kept_apart_by_their_words() -> None:
    # Headline-only articles of one story, each naming another side of it in a
    # title-case headline: before, each one's heaviest capitalised word (a tie broken
    # by rarity) anchored it, and the veto split the story.
    titles = [
        "Chiquita Buys Fyffes In Banana Merger",
        "Fyffes Agrees Chiquita Merger",
        "Banana Merger: Chiquita Buys Irish Fyffes",
        "Chiquita Fyffes Merger Creates Banana Giant",
        "Irish Fyffes Shares Soar On Chiquita Deal",
        "Chiquita Shares Fall After Fyffes Deal",
    ]  # the build before the evidence rule made two events of them (2 and 4)
    builder = DefaultEventBuilder()
    items = [EventItem(Meta.of(a, 0, i), builder.features(a)) for i, a in enumerate(
        article(f"h{i}", t) for i, t in enumerate(titles))]
    events = list(builder.build(items))
    sizes = collections.Counter(len(e.article_ids) for e in events)
    assert sizes == {6: 1}, sizes
