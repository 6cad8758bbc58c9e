"""Every signal the extractors produce, with what it means. The rubric may test only these."""
from __future__ import annotations

SIGNALS: dict[str, str] = {
    "card.status": "ok, absent, unreadable or unavailable: what became of README.md",
    "card.truncated": "true when README.md was longer than the bound read (1,000,000 bytes)",
    "repo.files": "number of files in the repository",
    "weights.files": "number of weight files (adapter weights included)",
    "weights.kinds": "the kinds of weight file, e.g. 'safetensors, gguf'",
    "weights.suffixes": "the file suffixes looked for",
    "weights.adapter_only": "true when the only weights are adapter weights",
    "weights.training_state": "true when optimizer state or intermediate checkpoints are published or announced",
    "gate": "none, auto (click-through), manual (publisher approves) or unknown (the Hub says gated in another "
            "way, e.g. `true`: never read as no gate, and not open)",
    "gate.as": "what the gate means for access, in words",
    "license.id": "the declared Hub licence id(s)",
    "license.label": "the licence as shown to a reader",
    "license.class": "licence class A-F (rubrics/licenses.yaml)",
    "license.class_title": "what the licence class means",
    "license.libre": "true when the licence is OSI-approved, FSF-libre or an open-data licence (class A or B, not "
                     "flagged not-libre); None when it cannot be resolved",
    "data.datasets": "number of datasets named by Hub id (metadata, tags, links)",
    "data.dataset_ids": "those dataset ids",
    "data.datasets_missing": "named datasets that do not exist on the Hub",
    "data.datasets_not_open": "named datasets that are missing, unreadable, not class A/B, or behind a manual (or unknown) gate",
    "data.datasets_closed": "named datasets the Hub holds under a licence that is not open (not class A/B) or behind "
                            "a manual or unknown gate; None until looked up",
    "data.datasets_unchecked": "named datasets whose lookup failed or was not made (their terms are unknown)",
    "data.datasets_summary": "how many named datasets are on the Hub, and their licences",
    "data.public_corpora": "number of public corpora named in training-data prose",
    "data.corpora_code": "how many of those corpora were built by code that is published (rubrics/vocabulary.yaml)",
    "data.identified_count": "datasets named by Hub id, public or partly obtainable corpora named, and dataset "
                             "project pages or data cards linked as the training data",
    "data.identified": "what identifies the data, in words",
    "data.unreleased": "sources that were never released: closed corpora, sources of the publisher's own, rows named "
                       "by kind only, data said to be kept back, and generic phrases when nothing is identified",
    "data.unreleased_as": "those sources, in words",
    "data.partly_obtainable": "identified sources that can only partly be obtained (withdrawn, unofficial dumps, a public extract)",
    "data.partly_obtainable_as": "those sources, in words",
    "data.section": "true when the card has a training-data section",
    "data.processing": "true when the card describes data processing (filtering, deduplication)",
    "data.described": "true when the card describes the training data beyond generic phrases",
    "data.described_as": "how the data is described, in words",
    "data.searched": "where data disclosure was looked for",
    "code.training": "number of linked repositories the card calls training code",
    "code.training_links": "those repositories",
    "code.finetune": "number of fine-tuning or alignment recipes (links or scripts in the repo)",
    "code.finetune_links": "those recipes",
    "code.evaluation": "number of linked evaluation code repositories",
    "code.data_processing": "number of linked data-processing code repositories",
    "code.inference": "number of code sources of any kind (links, repo files, library integration)",
    "code.inference_links": "those sources",
    "code.frameworks": "general frameworks the card links (named, not counted as this model's code)",
    "code.procedure_section": "training-procedure sections of the card (shown, not scored)",
    "lineage.parents": "number of parent models the card or the Hub names",
    "lineage.parent": "one parent and its relation (evidence)",
    "lineage.weight_edit": "true when the card, its tags or its name say the weights were edited without training (abliteration, pruning without retraining)",
    "code.searched": "where code was looked for",
    "code.not_code": "a code-host link that is a data set's page (the object of 'trained on'), not code",
    "code.repository": "what a linked code repository holds and its licence (evidence)",
    "code.repos_unchecked": "linked repositories that could not be read (rate limit, offline, lookups off)",
    "code.repos_unchecked_as": "those repositories",
    "code.some_stage": "training or fine-tuning code sources of any licence (training plus fine-tuning)",
    "code.training_not_open": "training code repositories whose licence is known and not open (not class A or B)",
    "code.training_not_open_as": "those repositories and their licences",
    "code.licences": "the licences of the repositories that hold training or fine-tuning code",
    # the card's own documentation (openness/evidence/documents.py)
    "files.architecture": "true when the files define the architecture (config.json, params.json, modelling code, GGUF)",
    "files.tokenizer": "true when the files hold a tokenizer",
    "docs.paper": "number of papers the card presents as the model's own (labelled so, or a BibTeX entry naming "
                  "the model or its publisher); None when the card could not be read",
    "docs.paper_as": "those papers",
    "docs.eval_results": "true when the card reports evaluation results (model-index, or a table of scores under an "
                         "evaluation heading)",
    "docs.eval_data": "number of public benchmarks named where the card reports its evaluation",
    "docs.data_card": "true when the card documents its training data (a training-data section or datasets in the "
                      "metadata, with at least one source identified)",
    # derived after lookups and lineage (openness/evidence/components.py)
    **{f"mof.{name}": f"the MOF component '{title}': included, invalid licence, unlicensed or missing; None when "
                      "it could not be told" for name, title in (
        ("architecture", "Model architecture"), ("final_parameters", "Model parameters (final)"),
        ("technical_report", "Technical report"), ("evaluation_results", "Evaluation results"),
        ("model_card", "Model card"), ("data_card", "Data card"), ("sample_outputs", "Sample model outputs"),
        ("training_code", "Training code"), ("inference_code", "Inference code"),
        ("evaluation_code", "Evaluation code"), ("evaluation_data", "Evaluation data"),
        ("supporting_libraries", "Supporting libraries and tools"), ("research_paper", "Research paper"),
        ("datasets", "Datasets"), ("data_preprocessing_code", "Data preprocessing code"),
        ("intermediate_parameters", "Model parameters (intermediate)"),
        ("model_metadata", "Model metadata"))},
    # EU AI Act open-source exemption (openness/evidence/regulation.py, rubrics/eu-ai-act.yaml)
    "eu.generative": "true when the Hub task or tags say the model generates text, code, speech, audio, images or "
                     "video; false for a task that does not (classification, embeddings, transcription); unknown else",
    "eu.generative_as": "the generative task, in words",
    "eu.parameters": "the parameter count the card states (or, when it states none, the model name's size suffix)",
    "eu.parameters_as": "where the parameter count comes from, in words",
    "eu.training_tokens": "the largest training-token count the card states",
    "eu.training_tokens_as": "where the token count comes from, in words",
    "eu.training_compute": "estimated training compute in FLOP, 6 x parameters x tokens; unknown unless both are "
                           "known (a fine-tune stating neither takes its base's, when the base was scored)",
    "eu.training_compute_as": "the estimate and how it was made, in words",
    "eu.weights_public": "true when weight files are published with no gate or an automatic click-through; false "
                         "with no weights or a manual gate; unknown behind a gate the Hub does not describe",
    "eu.weights_public_as": "the weights and their gate, in words",
    "eu.architecture_public": "true when config.json is in the repository or the card has an architecture section",
    "eu.architecture_public_as": "where the architecture is described",
    "eu.usage_public": "true when the card has a usage or intended-uses section or a code example",
    "eu.usage_public_as": "where usage is described",
    "eu.monetisation_flagged": "true when the card points to paid terms (contact sales, paid-only API, a separate "
                               "commercial licence required)",
    "eu.not_monetised": "false when the card points to paid terms; otherwise unknown (a card cannot show the "
                        "absence of monetisation)",
    "eu.monetised_as": "the paid terms the card points to, in words",
    "eu.monetised": "a line of the card pointing to paid terms (evidence)",
    "eu.training_summary": "true when the card names a public summary of the training content (Art. 53(1)(d))",
    "eu.training_summary_as": "where, in words",
    "eu.copyright_policy": "true when the card names a copyright policy (Art. 53(1)(c))",
    "eu.copyright_policy_as": "where, in words",
    # openness/evidence/access.py (G7, OSAI)
    "access.deployment": "number of code sources that deploy the model: its own code of any kind, and general "
                         "libraries or inference engines the card names (unknown when the card could not be read)",
    "access.deployment_as": "those sources, in words",
    "access.package": "number of packages the card installs from an index (pip, conda, brew, npm) that are "
                      "named after the model's family or its publisher, not general libraries (unknown when "
                      "the card could not be read)",
    "access.package_as": "those packages",
}

# The evidence items (by signal name, or prefix ending in '.') that each tested signal is
# computed from: `openness explain` puts every item under the rubric condition it fed.
FED_BY: dict[str, tuple[str, ...]] = {
    "weights.files": ("weights.files", "weights.adapter_only"),
    "weights.training_state": ("weights.training_state",),
    "gate": ("gate",),
    "license.class": ("license.class", "lineage.parent"),
    "data.datasets": ("data.datasets",),
    "data.datasets_not_open": ("data.datasets",),
    "data.identified_count": ("data.datasets", "data.described", "data.partly_obtainable"),
    "data.partly_obtainable": ("data.partly_obtainable",),
    "data.unreleased": ("data.described", "data.unreleased"),
    "data.section": ("data.section",),
    "data.processing": ("data.processing",),
    "data.described": ("data.described", "data.section"),
    "code.training": ("code.training", "code.repository"),
    "code.finetune": ("code.finetune",),
    "code.some_stage": ("code.training", "code.finetune", "code.repository"),
    "code.training_not_open": ("code.repository",),
    "code.evaluation": ("code.evaluation", "code.repository"),
    "code.data_processing": ("code.data_processing", "code.repository"),
    "code.inference": ("code.",),
    "docs.data_card": ("docs.data_card", "data.datasets", "data.described"),
    # a MOF component rests on the evidence of what shows it and of the licence
    "mof.architecture": ("files.architecture", "license.class"),
    "mof.final_parameters": ("weights.files", "license.class"),
    "mof.technical_report": ("docs.paper", "license.class"),
    "mof.research_paper": ("docs.paper", "license.class"),
    "mof.evaluation_results": ("docs.eval_results", "license.class"),
    "mof.model_card": ("card.status", "license.class"),
    "mof.data_card": ("docs.data_card", "data.datasets", "data.described", "license.class"),
    "mof.training_code": ("code.training", "code.finetune", "code.repository", "license.class"),
    "mof.inference_code": ("code.inference", "license.class"),
    "mof.evaluation_code": ("code.evaluation", "code.repository", "license.class"),
    "mof.evaluation_data": ("docs.eval_data", "license.class"),
    "mof.datasets": ("data.datasets", "data.described", "data.unreleased", "license.class"),
    "mof.data_preprocessing_code": ("code.data_processing", "code.repository", "data.corpora_code", "license.class"),
    "mof.intermediate_parameters": ("weights.training_state", "license.class"),
    # EU AI Act exemption: each eu.* condition rests on its own evidence, and compute on its parts
    "eu.training_compute": ("eu.training_compute", "eu.parameters", "eu.training_tokens", "lineage.parent"),
    "eu.weights_public": ("weights.files", "gate"),
    "eu.not_monetised": ("eu.monetised",),
    "eu.monetisation_flagged": ("eu.monetised",),
    "access.deployment": ("access.deployment", "code.inference", "code.frameworks"),
    "access.package": ("access.package",),
}
