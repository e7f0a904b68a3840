using System.Text.Json;
using MedicalHub.Workflow.Api.Definitions;

namespace MedicalHub.Workflow.Tests;

public sealed class DefinitionValidatorTests
{
    private static readonly DefinitionRules Rules = new(
        new HashSet<string>(StringComparer.Ordinal) { "OrgAdmin", "Practitioner", "Nurse", "Receptionist" },
        new HashSet<string>(StringComparer.Ordinal) { "content", "communication" },
        new HashSet<Guid> { SubPathway });

    private static readonly Guid SubPathway = Guid.Parse("0193a000-0000-7000-8000-000000000001");

    public static PathwayDocument Parse(string json) => PathwayDocument.TryParse(json, out var error) ?? throw new InvalidOperationException(error);

    private static Dictionary<string, string[]> Validate(string json) => DefinitionValidator.Validate(Parse(json), Rules);

    private const string Diabetes = """
    {
      "start": "hba1c",
      "steps": [
        { "id": "hba1c", "type": "task", "task": { "title": "Draw HbA1c", "role": "Nurse", "dueIn": "P7D" }, "sla": "P14D",
          "escalation": { "role": "Practitioner" }, "next": [ { "to": "review" } ] },
        { "id": "review", "type": "decision", "next": [
            { "to": "escalate", "when": { "fact": "observations.4548-4.value", "op": "gt", "value": 7.5 } },
            { "to": "remind" } ] },
        { "id": "escalate", "type": "task", "task": { "title": "Review poor control", "role": "Practitioner", "priority": "urgent" }, "next": [ { "to": "remind" } ] },
        { "id": "remind", "type": "notification", "notification": { "to": { "kind": "patient" }, "subject": "Next test", "body": "See you in 3 months" },
          "next": [ { "to": "wait" } ] },
        { "id": "wait", "type": "timer", "timer": { "after": "P3M" }, "next": [ { "to": "hba1c" } ] }
      ]
    }
    """;

    [Fact]
    public void A_diabetes_follow_up_that_loops_through_a_timer_is_valid()
    {
        Assert.Empty(Validate(Diabetes));
    }

    [Fact]
    public void The_referral_template_is_valid()
    {
        Assert.Empty(DefinitionValidator.Validate(ReferralTemplate.Document, Rules));
    }

    [Fact]
    public void An_unreachable_step_is_named()
    {
        var errors = Validate("""
        { "start": "a", "steps": [
            { "id": "a", "type": "decision", "next": [ { "to": "b" } ] },
            { "id": "b", "type": "end" },
            { "id": "orphan", "type": "task", "task": { "title": "Never", "role": "Nurse" } } ] }
        """);
        var error = Assert.Single(errors);
        Assert.Equal("steps.orphan", error.Key);
        Assert.Contains("Unreachable", error.Value.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_without_a_wait_is_named_with_its_steps()
    {
        var errors = Validate("""
        { "start": "a", "steps": [
            { "id": "a", "type": "decision", "next": [ { "to": "b" } ] },
            { "id": "b", "type": "notification", "notification": { "to": { "kind": "patient" }, "subject": "s", "body": "b" }, "next": [
                { "to": "c", "when": { "fact": "vars.stop", "op": "eq", "value": true } }, { "to": "a" } ] },
            { "id": "c", "type": "end" } ] }
        """);
        var error = Assert.Single(errors);
        Assert.Equal("steps.a", error.Key);
        Assert.Contains("a -> b -> a", error.Value.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_self_loop_on_a_decision_is_a_cycle_but_a_self_loop_on_a_timer_is_not()
    {
        Assert.Contains("steps.d", Validate("""
            { "start": "d", "steps": [ { "id": "d", "type": "decision", "next": [ { "to": "d", "when": { "fact": "vars.x", "op": "exists" } }, { "to": "e" } ] },
                                       { "id": "e", "type": "end" } ] }
            """).Keys);
        Assert.Empty(Validate("""
            { "start": "t", "steps": [ { "id": "t", "type": "timer", "timer": { "after": "P1D" }, "next": [ { "to": "t", "when": { "fact": "vars.x", "op": "exists" } }, { "to": "e" } ] },
                                       { "id": "e", "type": "end" } ] }
            """));
    }

    [Fact]
    public void An_unknown_role_is_named_with_its_step()
    {
        var errors = Validate("""
            { "start": "a", "steps": [ { "id": "a", "type": "task", "task": { "title": "Mop", "role": "Janitor" } } ] }
            """);
        Assert.Contains("Janitor", Assert.Single(errors["steps.a"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "start": "missing", "steps": [ { "id": "a", "type": "end" } ] }""", "start")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "end" }, { "id": "a", "type": "end" } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "A b", "type": "end" } ] }""", "steps[0]")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "dance" } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "task" } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "timer", "timer": { "after": "three months" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "timer", "timer": { "after": "P11Y" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "decision", "next": [ { "to": "nowhere" } ] } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "decision", "next": [ { "to": "a", "when": { "fact": "vars.x", "op": "exists" } } ] } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "decision", "next": [ { "to": "b", "when": { "fact": "weather", "op": "eq", "value": 1 } }, { "to": "b" } ] }, { "id": "b", "type": "end" } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "service-call", "call": { "service": "bank", "method": "POST", "path": "/api/x" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "service-call", "call": { "service": "content", "method": "POST", "path": "/../admin" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "sub-pathway", "subPathway": { "pathwayId": "0193a000-0000-7000-8000-000000000002" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "event", "event": { "type": "weather.changed" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "end", "next": [ { "to": "a" } ] } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "steps": [ { "id": "a", "type": "notification", "notification": { "to": { "kind": "patient" }, "body": "no subject" } } ] }""", "steps.a")]
    [InlineData("""{ "start": "a", "trigger": { "event": "delivery.failed" }, "steps": [ { "id": "a", "type": "end" } ] }""", "trigger")]
    [InlineData("""{ "start": "a", "steps": [ ] }""", "steps")]
    public void Each_invalid_definition_names_what_fails(string json, string key)
    {
        Assert.Contains(key, Validate(json).Keys);
    }

    [Fact]
    public void Fields_that_are_not_part_of_a_definition_are_refused_when_reading()
    {
        Assert.Null(PathwayDocument.TryParse("""{ "start": "a", "steps": [], "colour": "blue" }""", out var error));
        Assert.Contains("colour", error, StringComparison.Ordinal);
        Assert.Null(PathwayDocument.TryParse("""{ "start": 3 }""", out _));
    }

    [Fact]
    public void A_definition_survives_its_own_round_trip()
    {
        var document = Parse(Diabetes);
        var again = Parse(document.ToJson());
        Assert.Equal(document.ToJson(), again.ToJson());
        Assert.Equal(JsonSerializer.Serialize(document.Steps[1].Next[0].When, PathwayDocument.Json), JsonSerializer.Serialize(again.Steps[1].Next[0].When, PathwayDocument.Json));
    }

    [Fact]
    public void Strongly_connected_components_are_found_in_a_long_chain_without_recursion()
    {
        var edges = Enumerable.Range(0, 50_000).ToDictionary(i => $"s{i}", i => i + 1 < 50_000 ? new List<string> { $"s{i + 1}" } : ["s0"]);
        var components = DefinitionValidator.StronglyConnectedComponents(edges);
        Assert.Equal(50_000, Assert.Single(components).Count);
    }
}
