"""The stages of a run. Each stage is a set of independent tasks; a task reads
the files earlier stages wrote under ``work/`` and writes its own.

================  ==========  ==============================================================
stage             tasks       does
================  ==========  ==============================================================
parse             one/shard   read → parse → language → clean; dedup signatures and keys;
                              event features (:mod:`.parse`)
dedup-buckets     one/part.   group keys into candidate pairs (:mod:`.dedup`)
dedup-verify      one/shard   verify candidate pairs with the deduplicator
dedup-cluster     one         union-find clusters, canonical articles, persistent index
events            one         build events over primary articles (:mod:`.events`)
repetition-count  one/shard   count each source's lines once per article (:mod:`.repetition`)
repetition-table  one/part.   merge one key partition of the counts; keep the lines repeated
                              in enough articles of their source
finalize          one/shard   cut repeated lines; set duplicate_of / translation_of /
                              event_id (:mod:`.finalize`)
export            one         run the exporters (:mod:`.export`)
================  ==========  ==============================================================
"""
