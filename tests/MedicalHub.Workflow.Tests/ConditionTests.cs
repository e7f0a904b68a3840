using System.Text.Json.Nodes;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;

namespace MedicalHub.Workflow.Tests;

public sealed class ConditionTests
{
    private static readonly Facts Facts = new(JsonNode.Parse("""
        {
          "outcome": "accepted",
          "vars": { "count": 3, "flag": true, "name": "Smith", "tags": ["a", "b"], "surgery": "2027-01-10T09:00:00Z" },
          "patient": { "age": 67, "gender": "female" },
          "observations": { "4548-4": { "value": 8.1, "unit": "%", "effectiveAt": "2026-11-01T00:00:00Z" } },
          "steps": { "share-chart": { "outcome": "succeeded", "result": { "id": "share-1" } } }
        }
        """)!.AsObject());

    private static Condition Parse(string json) => System.Text.Json.JsonSerializer.Deserialize<Condition>(json, PathwayDocument.Json)!;

    [Theory]
    [InlineData("""{ "fact": "outcome", "op": "eq", "value": "accepted" }""", true)]
    [InlineData("""{ "fact": "outcome", "op": "ne", "value": "accepted" }""", false)]
    [InlineData("""{ "fact": "observations.4548-4.value", "op": "gt", "value": 7.5 }""", true)]
    [InlineData("""{ "fact": "observations.4548-4.value", "op": "le", "value": 7.5 }""", false)]
    [InlineData("""{ "fact": "observations.4548-4.value", "op": "eq", "value": 8.10 }""", true)]
    [InlineData("""{ "fact": "patient.age", "op": "ge", "value": 67 }""", true)]
    [InlineData("""{ "fact": "patient.gender", "op": "in", "value": ["male", "female"] }""", true)]
    [InlineData("""{ "fact": "vars.tags", "op": "contains", "value": "b" }""", true)]
    [InlineData("""{ "fact": "vars.name", "op": "contains", "value": "MIT" }""", true)]
    [InlineData("""{ "fact": "vars.flag", "op": "eq", "value": true }""", true)]
    [InlineData("""{ "fact": "vars.missing", "op": "missing" }""", true)]
    [InlineData("""{ "fact": "vars.missing", "op": "gt", "value": 1 }""", false)]
    [InlineData("""{ "fact": "vars.missing", "op": "ne", "value": 1 }""", true)]
    [InlineData("""{ "fact": "vars.surgery", "op": "lt", "value": "2027-01-10T10:00:00+00:00" }""", true)]
    [InlineData("""{ "fact": "vars.name", "op": "gt", "value": 3 }""", false)]
    [InlineData("""{ "fact": "steps.share-chart.result.id", "op": "eq", "value": "share-1" }""", true)]
    [InlineData("""{ "all": [ { "fact": "vars.count", "op": "eq", "value": 3 }, { "not": { "fact": "vars.flag", "op": "eq", "value": false } } ] }""", true)]
    [InlineData("""{ "any": [ { "fact": "vars.count", "op": "lt", "value": 1 }, { "fact": "patient.age", "op": "lt", "value": 18 } ] }""", false)]
    public void Conditions_read_the_facts(string json, bool expected)
    {
        var condition = Parse(json);
        Assert.Null(Conditions.Problem(condition));
        Assert.Equal(expected, Conditions.Evaluate(condition, Facts));
    }

    [Theory]
    [InlineData("""{ }""")]
    [InlineData("""{ "fact": "vars.x", "op": "between", "value": 1 }""")]
    [InlineData("""{ "fact": "vars.x", "op": "eq" }""")]
    [InlineData("""{ "fact": "vars.x", "op": "in", "value": 1 }""")]
    [InlineData("""{ "fact": "weather.today", "op": "exists" }""")]
    [InlineData("""{ "all": [] }""")]
    [InlineData("""{ "all": [ { "fact": "vars.x", "op": "exists" } ], "fact": "vars.y", "op": "exists" }""")]
    public void Malformed_conditions_are_reported(string json)
    {
        Assert.NotNull(Conditions.Problem(Parse(json)));
    }

    [Fact]
    public void Placeholders_render_facts_and_keep_a_whole_placeholder_s_type()
    {
        Assert.Equal("/api/internal/shares/share-1/revoke", Facts.Render("/api/internal/shares/{{steps.share-chart.result.id}}/revoke"));
        Assert.Equal("Dear Smith, ", Facts.Render("Dear {{ vars.name }}, {{vars.nothing}}"));
        var body = Facts.RenderNode(JsonNode.Parse("""{ "n": "{{vars.count}}", "tags": "{{vars.tags}}", "text": "x{{vars.count}}" }"""))!;
        Assert.Equal(3, body["n"]!.GetValue<int>());
        Assert.Equal(2, body["tags"]!.AsArray().Count);
        Assert.Equal("x3", body["text"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2027, 1, 10, 9, 0, 0, TimeSpan.Zero), Facts.DateOf("vars.surgery"));
        Assert.Null(Facts.DateOf("vars.name"));
    }
}

public sealed class BuiltFactTests
{
    [Fact]
    public void Numbers_built_in_code_compare_like_parsed_ones()
    {
        // The facts loader builds values from ints and decimals, not from parsed JSON.
        var facts = new Facts(new System.Text.Json.Nodes.JsonObject
        {
            ["patient"] = new System.Text.Json.Nodes.JsonObject { ["age"] = 67 },
            ["observations"] = new System.Text.Json.Nodes.JsonObject { ["4548-4"] = new System.Text.Json.Nodes.JsonObject { ["value"] = 8.7m, ["ageDays"] = 3 } },
        });
        var condition = System.Text.Json.JsonSerializer.Deserialize<MedicalHub.Workflow.Api.Definitions.Condition>(
            """{ "all": [ { "fact": "patient.age", "op": "ge", "value": 60 }, { "fact": "observations.4548-4.value", "op": "gt", "value": 8 }, { "fact": "observations.4548-4.ageDays", "op": "eq", "value": 3.0 } ] }""",
            MedicalHub.Workflow.Api.Definitions.PathwayDocument.Json)!;
        Assert.True(Conditions.Evaluate(condition, facts));
    }
}
