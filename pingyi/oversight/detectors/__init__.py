"""The judgements: ``base`` (findings and their context), ``reporting`` (records against ratings), ``silent``
(where citizens' voices should be and are not)."""
