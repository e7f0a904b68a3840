using Hl7.Fhir.Model;
using MedicalHub.Workflow.Api.DecisionSupport;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.Workflow.Tests.DecisionSupport;

/// <summary>The starter library's FHIRPath rules over small patients: each fires on the patient it is about and stays quiet on the one it is not.</summary>
public sealed class StarterRuleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static RuleDefinition Rule(string key) => StarterRules.All.Single(r => r.Key == key);

    private static Task<RuleResult> DecideAsync(string key, PatientData data) =>
        RuleEvaluator.EvaluateOneAsync(Rule(key), 1, data, RuleEvaluator.Context(data), Timeout, TestContext.Current.CancellationToken);

    private static Patient APatient(string birthDate = "1980-05-01") => new() { Id = "p1", BirthDate = birthDate, Gender = AdministrativeGender.Female };

    private static Condition Diabetes() => new()
    {
        Code = new CodeableConcept("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2"),
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
        Subject = new ResourceReference("Patient/p1"),
    };

    private static Observation Lab(string loinc, decimal value, string unit, DateTimeOffset at, string? interpretation = null, string display = "lab")
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", loinc, display),
            Effective = new FhirDateTime(at),
            Value = new Quantity(value, unit),
            Subject = new ResourceReference("Patient/p1"),
        };
        if (interpretation is not null)
        {
            observation.Interpretation.Add(new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", interpretation));
        }
        return observation;
    }

    private static MedicationRequest Prescription(string rxnorm, string name, string? id = null, MedicationRequest.MedicationrequestStatus status = MedicationRequest.MedicationrequestStatus.Active) => new()
    {
        Id = id,
        Status = status,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", rxnorm, name),
        Subject = new ResourceReference("Patient/p1"),
    };

    [Fact]
    public async Task HbA1c_overdue_fires_for_a_diabetic_without_a_recent_result_only()
    {
        var stale = new PatientData { Patient = APatient(), Conditions = [Diabetes()], Observations = [Lab("4548-4", 7.1m, "%", DateTimeOffset.UtcNow.AddMonths(-8))] };
        var recent = new PatientData { Patient = APatient(), Conditions = [Diabetes()], Observations = [Lab("4548-4", 7.1m, "%", DateTimeOffset.UtcNow.AddMonths(-2))] };
        var notDiabetic = new PatientData { Patient = APatient() };

        var fired = await DecideAsync("hba1c-overdue", stale);
        Assert.Equal(RuleResultKind.Fired, fired.Kind);
        Assert.Equal("warning", fired.Card!.Indicator);
        var action = Assert.Single(Assert.Single(fired.Card.Suggestions!).Actions);
        Assert.Equal("create", action.Type);
        Assert.Equal("Patient/p1", action.Resource!.Value.GetProperty("subject").GetProperty("reference").GetString());
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("hba1c-overdue", recent)).Kind);
        Assert.Equal(RuleResultKind.NotApplicable, (await DecideAsync("hba1c-overdue", notDiabetic)).Kind);
    }

    [Fact]
    public async Task Metformin_caution_fires_on_a_low_eGFR_or_a_high_creatinine()
    {
        var metformin = Prescription("6809", "metformin 500 MG");
        var lowEgfr = new PatientData { Patient = APatient(), Medications = [metformin], Observations = [Lab("33914-3", 38, "mL/min/{1.73_m2}", DateTimeOffset.UtcNow.AddDays(-10))] };
        var highCreatinine = new PatientData { Patient = APatient(), Medications = [metformin], Observations = [Lab("2160-0", 1.9m, "mg/dL", DateTimeOffset.UtcNow.AddDays(-10))] };
        var normal = new PatientData { Patient = APatient(), Medications = [metformin], Observations = [Lab("33914-3", 80, "mL/min/{1.73_m2}", DateTimeOffset.UtcNow.AddDays(-10))] };
        var noMetformin = new PatientData { Patient = APatient(), Observations = [Lab("33914-3", 38, "mL/min/{1.73_m2}", DateTimeOffset.UtcNow.AddDays(-10))] };

        var fired = await DecideAsync("metformin-renal", lowEgfr);
        Assert.Equal(RuleResultKind.Fired, fired.Kind);
        Assert.Contains("38", fired.Card!.Detail);
        Assert.Equal(RuleResultKind.Fired, (await DecideAsync("metformin-renal", highCreatinine)).Kind);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("metformin-renal", normal)).Kind);
        Assert.Equal(RuleResultKind.NotApplicable, (await DecideAsync("metformin-renal", noMetformin)).Kind);
    }

    [Fact]
    public async Task Duplicate_therapy_fires_on_two_active_prescriptions_or_an_order_of_an_active_one()
    {
        var twice = new PatientData { Patient = APatient(), Medications = [Prescription("197361", "amlodipine 5 MG"), Prescription("197361", "amlodipine 5 MG")] };
        var once = new PatientData { Patient = APatient(), Medications = [Prescription("197361", "amlodipine 5 MG"), Prescription("6809", "metformin")] };
        var ordered = new PatientData { Patient = APatient(), Medications = [Prescription("197361", "amlodipine 5 MG")], Selections = [Prescription("197361", "amlodipine", "draft-1")] };
        var stopped = new PatientData { Patient = APatient(), Medications = [Prescription("197361", "amlodipine", status: MedicationRequest.MedicationrequestStatus.Stopped), Prescription("197361", "amlodipine")] };

        Assert.Equal(RuleResultKind.Fired, (await DecideAsync("duplicate-therapy", twice)).Kind);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("duplicate-therapy", once)).Kind);
        Assert.Equal(RuleResultKind.Fired, (await DecideAsync("duplicate-therapy", ordered)).Kind);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("duplicate-therapy", stopped)).Kind);
    }

    [Fact]
    public async Task Allergy_conflict_is_critical_and_suggests_deleting_the_selected_order()
    {
        var allergy = new AllergyIntolerance
        {
            Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "7980", "penicillin G"),
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            Patient = new ResourceReference("Patient/p1"),
        };
        var conflicting = new PatientData { Patient = APatient(), Allergies = [allergy], Selections = [Prescription("7980", "penicillin G", "draft-9")] };
        var harmless = new PatientData { Patient = APatient(), Allergies = [allergy], Selections = [Prescription("197361", "amlodipine", "draft-2")] };

        var fired = await DecideAsync("allergy-conflict", conflicting);
        Assert.Equal(RuleResultKind.Fired, fired.Kind);
        Assert.Equal("critical", fired.Card!.Indicator);
        Assert.Contains("penicillin G", fired.Card.Summary);
        var delete = Assert.Single(Assert.Single(fired.Card.Suggestions!).Actions);
        Assert.Equal(("delete", "MedicationRequest/draft-9"), (delete.Type, delete.ResourceId));
        Assert.NotEmpty(fired.Card.OverrideReasons!);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("allergy-conflict", harmless)).Kind);
    }

    [Fact]
    public async Task Pneumococcal_vaccination_is_due_at_65_without_a_recorded_dose()
    {
        var older = APatient(DateTime.UtcNow.AddYears(-70).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var dose = new Immunization
        {
            Status = Immunization.ImmunizationStatusCodes.Completed,
            VaccineCode = new CodeableConcept("http://hl7.org/fhir/sid/cvx", "216"),
            Patient = new ResourceReference("Patient/p1"),
            Occurrence = new FhirDateTime(2024, 10, 1),
        };

        Assert.Equal(RuleResultKind.Fired, (await DecideAsync("pneumococcal-vaccination-due", new PatientData { Patient = older })).Kind);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("pneumococcal-vaccination-due", new PatientData { Patient = older, Immunizations = [dose] })).Kind);
        Assert.Equal(RuleResultKind.NotApplicable, (await DecideAsync("pneumococcal-vaccination-due", new PatientData { Patient = APatient(DateTime.UtcNow.AddYears(-64).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) })).Kind);
    }

    [Fact]
    public async Task Abnormal_lab_fires_until_a_follow_up_task_exists()
    {
        var high = Lab("2345-7", 250, "mg/dL", DateTimeOffset.UtcNow.AddDays(-3), "H", "Glucose");
        var task = new Hl7.Fhir.Model.Task { Status = Hl7.Fhir.Model.Task.TaskStatus.Requested, Intent = Hl7.Fhir.Model.Task.TaskIntent.Order, AuthoredOn = DateTimeOffset.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture) };

        var fired = await DecideAsync("abnormal-lab-without-follow-up", new PatientData { Patient = APatient(), Observations = [high] });
        Assert.Equal(RuleResultKind.Fired, fired.Kind);
        Assert.Contains("Glucose", fired.Card!.Detail);
        Assert.Equal(RuleResultKind.NotFired, (await DecideAsync("abnormal-lab-without-follow-up", new PatientData { Patient = APatient(), Observations = [high], Tasks = [task] })).Kind);
        Assert.Equal(RuleResultKind.NotFired,
            (await DecideAsync("abnormal-lab-without-follow-up", new PatientData { Patient = APatient(), Observations = [Lab("2345-7", 90, "mg/dL", DateTimeOffset.UtcNow.AddDays(-3), "N")] })).Kind);
    }

    [Fact]
    public void Every_starter_rule_compiles_and_has_a_valid_card()
    {
        foreach (var rule in StarterRules.All)
        {
            Assert.Null(RuleEvaluator.CompileError(rule.Applicability));
            Assert.Null(RuleEvaluator.CompileError(rule.Condition));
            Assert.Empty(RuleValidation.Problems(rule));
        }
    }
}
