namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>
/// The starter library every organization begins with (installed as its active version 1 of each rule the first time the
/// organization's rules are read or a hook is called): written in FHIRPath over <see cref="PatientData"/>'s variables,
/// with LOINC, SNOMED CT, ICD-10, RxNorm and CVX codes. An organization changes one by adding a version of it.
/// </summary>
public static class StarterRules
{
    private const string Loinc = "http://loinc.org";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private const string Diabetic =
        "%conditions.where((clinicalStatus.empty() or clinicalStatus.coding.code = 'active') and (" +
        "code.coding.where(system = 'http://snomed.info/sct' and (code = '44054006' or code = '73211009' or code = '46635009')).exists() or " +
        "code.coding.where(system = 'http://hl7.org/fhir/sid/icd-10' and (code.startsWith('E10') or code.startsWith('E11'))).exists())).exists()";

    private const string ActiveMedications = "%medications.where(status = 'active')";

    private const string IsMetformin =
        "(medication.ofType(CodeableConcept).coding.where(system = '" + RxNorm + "' and code = '6809').exists() or " +
        "medication.ofType(CodeableConcept).text.lower().contains('metformin') or medication.ofType(CodeableConcept).coding.display.lower().contains('metformin'))";

    private static readonly OverrideReasonTemplate[] ClinicalOverrides =
    [
        new("clinically-appropriate", "Clinically appropriate for this patient"),
        new("already-addressed", "Already addressed"),
        new("patient-declined", "Patient declined"),
    ];

    public static readonly IReadOnlyList<RuleDefinition> All =
    [
        new("hba1c-overdue", "HbA1c overdue for a diabetic patient", [CdsCodes.PatientView],
            Diabetic,
            "%observations.where(code.coding.where(system = '" + Loinc + "' and (code = '4548-4' or code = '17856-6')).exists() and effective.ofType(dateTime) > now() - 6 months).empty()",
            new CardTemplate("HbA1c overdue: no result in the last 6 months for a patient with diabetes", "warning",
                "Guidelines (ADA Standards of Care) recommend an **HbA1c at least every 6 months** for patients with diabetes. " +
                "No HbA1c (LOINC 4548-4) was found in the last 6 months.",
                "MedicalHub starter library", "https://diabetesjournals.org/care/issue/47/Supplement_1",
                [new SuggestionTemplate("Order an HbA1c", "create", "Create a ServiceRequest for HbA1c",
                    """{"resourceType":"ServiceRequest","status":"draft","intent":"proposal","code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"Hemoglobin A1c/Hemoglobin.total in Blood"}]},"subject":{"reference":"Patient/{{patientId}}"}}""",
                    IsRecommended: true)],
                OverrideReasons: ClinicalOverrides)),

        new("metformin-renal", "Metformin with reduced kidney function", [CdsCodes.PatientView, CdsCodes.OrderSelect],
            "(" + ActiveMedications + " | %selections).where(" + IsMetformin + ").exists()",
            "%observations.where(effective.ofType(dateTime) > now() - 12 months and (" +
            "(code.coding.where(system = '" + Loinc + "' and (code = '33914-3' or code = '62238-1' or code = '98979-8')).exists() and value.ofType(Quantity).value < 45) or " +
            "(code.coding.where(system = '" + Loinc + "' and code = '2160-0').exists() and value.ofType(Quantity).value > 1.5))).exists()",
            new CardTemplate("Metformin with reduced kidney function (eGFR < 45 or creatinine > 1.5 mg/dL in the last 12 months)", "warning",
                "Metformin should not be started at an eGFR of 30–45 mL/min/1.73m² and is contraindicated below 30 (FDA, 2016). " +
                "Recent values: {{%observations.where(code.coding.where(code = '33914-3' or code = '62238-1' or code = '98979-8' or code = '2160-0').exists()).value.ofType(Quantity)}}.",
                "MedicalHub starter library", "https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-revises-warnings-regarding-use-diabetes-medicine-metformin-certain",
                OverrideReasons: ClinicalOverrides)),

        new("duplicate-therapy", "Duplicate therapy", [CdsCodes.PatientView, CdsCodes.OrderSelect],
            ActiveMedications + ".exists() or %selections.exists()",
            "(" + ActiveMedications + ".medication.ofType(CodeableConcept).coding.where(system = '" + RxNorm + "').code.isDistinct().not()) or " +
            "%selections.medication.ofType(CodeableConcept).coding.where(system = '" + RxNorm + "').code" +
            ".intersect(" + ActiveMedications + ".medication.ofType(CodeableConcept).coding.where(system = '" + RxNorm + "').code).exists()",
            new CardTemplate("Duplicate therapy: the same medication is prescribed more than once", "warning",
                "More than one active prescription (or a new order) names the same medication (RxNorm).",
                "MedicalHub starter library",
                OverrideReasons: ClinicalOverrides)),

        new("allergy-conflict", "Order conflicts with a recorded allergy", [CdsCodes.OrderSelect],
            "%selections.exists() and %allergies.exists()",
            "%selections.medication.ofType(CodeableConcept).coding.code.intersect(" +
            "%allergies.where(clinicalStatus.empty() or clinicalStatus.coding.code = 'active').select(code.coding.code | reaction.substance.coding.code)).exists()",
            new CardTemplate("Allergy conflict: the patient is allergic to {{%allergies.select(code.text | code.coding.display).first()}}", "critical",
                "The selected order names a substance recorded in the patient's **active allergies**. Remove the order unless the benefit clearly outweighs the risk.",
                "MedicalHub starter library", null,
                [new SuggestionTemplate("Remove the conflicting order", "delete", "Delete the selected draft order",
                    ResourceIdExpression: "%selections.where(medication.ofType(CodeableConcept).coding.code.intersect(%allergies.select(code.coding.code | reaction.substance.coding.code)).exists()).select('MedicationRequest/' + id)",
                    IsRecommended: true)],
                OverrideReasons: [new("benefit-outweighs-risk", "Benefit outweighs risk"), new("not-a-true-allergy", "Not a true allergy"), new("tolerated-before", "Tolerated before")])),

        new("pneumococcal-vaccination-due", "Pneumococcal vaccination due at 65 or over", [CdsCodes.PatientView],
            "%patient.birthDate.exists() and %patient.birthDate <= today() - 65 years",
            "%immunizations.where(status = 'completed' and vaccineCode.coding.where(system = 'http://hl7.org/fhir/sid/cvx' and " +
            "(code = '33' or code = '133' or code = '152' or code = '215' or code = '216')).exists()).empty()",
            new CardTemplate("Pneumococcal vaccination due: no pneumococcal vaccine recorded for a patient aged 65 or over", "info",
                "CDC recommends a pneumococcal conjugate vaccine (PCV20 or PCV21, or PCV15 followed by PPSV23) for all adults aged 65 or older.",
                "MedicalHub starter library", "https://www.cdc.gov/pneumococcal/hcp/vaccine-recommendations/",
                [new SuggestionTemplate("Propose a pneumococcal vaccination", "create", "Create an ImmunizationRecommendation",
                    """{"resourceType":"ImmunizationRecommendation","patient":{"reference":"Patient/{{patientId}}"},"date":"1970-01-01","recommendation":[{"vaccineCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"216","display":"Pneumococcal conjugate PCV 20"}]}],"forecastStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/immunization-recommendation-status","code":"due"}]}}]}""")],
                OverrideReasons: ClinicalOverrides)),

        new("abnormal-lab-without-follow-up", "Abnormal lab result without a follow-up task", [CdsCodes.PatientView],
            "%observations.exists()",
            "%observations.where(effective.ofType(dateTime) > now() - 90 days and interpretation.coding.where(" +
            "system = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation' and (code = 'H' or code = 'HH' or code = 'L' or code = 'LL' or code = 'A' or code = 'AA')).exists()).exists() " +
            "and %tasks.where(status != 'cancelled' and status != 'rejected' and authoredOn > now() - 90 days).empty()",
            new CardTemplate("Abnormal lab result in the last 90 days with no follow-up task", "warning",
                "Abnormal: {{%observations.where(interpretation.coding.where(code = 'H' or code = 'HH' or code = 'L' or code = 'LL' or code = 'A' or code = 'AA').exists()).select(code.text | code.coding.display).distinct()}}. " +
                "No task for this patient was created since.",
                "MedicalHub starter library", null,
                [new SuggestionTemplate("Create a follow-up task", "create", "Create a Task to follow up the abnormal result",
                    """{"resourceType":"Task","status":"requested","intent":"order","description":"Follow up abnormal lab result","for":{"reference":"Patient/{{patientId}}"}}""",
                    IsRecommended: true)],
                OverrideReasons: ClinicalOverrides)),
    ];
}
