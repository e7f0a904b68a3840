using Hl7.Fhir.Model;
using MedicalHub.Workflow.Api.DecisionSupport;

namespace MedicalHub.Workflow.Tests.DecisionSupport;

/// <summary>Rules that go wrong: they yield a failure or a time-out, never an exception out of the evaluator.</summary>
public sealed class RuleEvaluatorTests
{
    private static PatientData Patient(int observations = 0) => new()
    {
        Patient = new Patient { Id = "p1" },
        Observations = [.. Enumerable.Range(0, observations).Select(i => new Observation { Id = $"o{i}", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "2345-7") })],
    };

    private static RuleDefinition Rule(string applicability, string condition = "true") =>
        new("r", "Rule", [CdsCodes.PatientView], applicability, condition, new CardTemplate("Fired", "info"));

    private static System.Threading.Tasks.Task<RuleResult> DecideAsync(RuleDefinition rule, PatientData data, TimeSpan timeout) =>
        RuleEvaluator.EvaluateOneAsync(rule, 1, data, RuleEvaluator.Context(data), timeout, TestContext.Current.CancellationToken);

    [Fact]
    public async System.Threading.Tasks.Task A_rule_that_runs_too_long_is_timed_out()
    {
        // 60^4 ≈ 13 million combinations, far past a 100 ms budget.
        var runaway = Rule("%observations.select(%observations.select(%observations.select(%observations))).count() > 0");

        var result = await DecideAsync(runaway, Patient(60), TimeSpan.FromMilliseconds(100));

        Assert.Equal(RuleResultKind.TimedOut, result.Kind);
        Assert.Null(result.Card);
        Assert.InRange(result.ElapsedMilliseconds, 0, 5_000);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_rule_that_throws_or_is_not_boolean_fails_with_its_reason()
    {
        var notBoolean = await DecideAsync(Rule("%observations.id"), Patient(3), TimeSpan.FromSeconds(5));
        var unparsable = await DecideAsync(Rule("%observations.where("), Patient(1), TimeSpan.FromSeconds(5));

        Assert.Equal(RuleResultKind.Failed, notBoolean.Kind);
        Assert.Contains("one boolean", notBoolean.Failure);
        Assert.Equal(RuleResultKind.Failed, unparsable.Kind);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_firing_rule_fills_its_placeholders_and_cuts_its_summary_to_140_characters()
    {
        var rule = new RuleDefinition("r", "Rule", [CdsCodes.PatientView], "true", "%observations.count() = 2",
            new CardTemplate("{{%observations.count()}} results " + new string('x', 200), "info", "Ids: {{%observations.id}}"));

        var result = await DecideAsync(rule, Patient(2), TimeSpan.FromSeconds(5));

        Assert.Equal(RuleResultKind.Fired, result.Kind);
        Assert.StartsWith("2 results", result.Card!.Summary);
        Assert.Equal(140, result.Card.Summary.Length);
        Assert.Equal("Ids: o0, o1", result.Card.Detail);
        Assert.True(Guid.TryParse(result.Card.Uuid, out _));
    }
}
