"""The rubric: data in rubrics/, loaded and validated here, and the evaluator that applies it."""
from openness.rubric.evaluate import evaluate
from openness.rubric.loader import load_licences, load_rubric, load_vocabulary

__all__ = ["evaluate", "load_licences", "load_rubric", "load_vocabulary"]
