"""The extraction assistant: read news articles and press releases, propose statements for review.

text -> sentences and tokens; lexicon -> the data files compiled; actors -> who is named;
dates -> when; rules -> cue, issue, sign and actor per sentence; propose -> proposals per article;
store -> the review queue in the database; evaluate -> precision and recall on a gold set.
"""
