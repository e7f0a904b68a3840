using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Fhir;

namespace MedicalHub.Workflow.Tests;

public sealed class PlanDefinitionMapperTests
{
    private static readonly CarePathway Pathway = new() { Name = "Referral to cardiology", Status = CarePathwayStatus.Active };

    private static PathwayVersion Version(PathwayDocument document) => new()
    {
        PathwayId = Pathway.Id, Number = 2, Status = PathwayVersionStatus.Published, Document = document.ToJson(), CreatedAt = DateTimeOffset.UtcNow,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public void An_exported_PlanDefinition_serializes_with_Firely_and_imports_to_the_same_definition()
    {
        var document = ReferralTemplate.Document;
        var version = Version(document);
        Pathway.CurrentVersionId = version.Id;
        var plan = PlanDefinitionMapper.ToFhir(Pathway, version, document);

        var json = new FhirJsonSerializer().SerializeToString(plan);
        var read = new FhirJsonDeserializer().Deserialize<PlanDefinition>(json);

        Assert.Equal("ReferralToCardiology", read.Name);
        Assert.Equal(PublicationStatus.Active, read.Status);
        Assert.Equal(document.Steps.Count, read.Action.Count);
        Assert.Equal(document.Steps.Count(s => s.Type is "task" or "notification"), read.Contained.OfType<ActivityDefinition>().Count());
        var book = read.Action.Single(a => a.ElementId == "book");
        Assert.Contains(book.RelatedAction, r => r.ActionId == "await-answer" && r.Relationship == ActionRelationshipType.AfterEnd);
        Assert.Equal("#book", Assert.IsType<Canonical>(book.Definition).Value);

        var imported = PlanDefinitionMapper.FromFhir(read);
        Assert.Empty(imported.Issues);
        Assert.True(imported.Publish);
        Assert.Equal(document.ToJson(), imported.Document!.ToJson());
        Assert.Equal("PlanDefinition.action[3]", imported.StepPaths["book"]);
    }

    [Fact]
    public void A_plain_PlanDefinition_without_our_extension_becomes_a_sequence_of_steps()
    {
        var plan = new PlanDefinition { Title = "Foot exam", Status = PublicationStatus.Draft };
        plan.Contained.Add(new ActivityDefinition
        {
            Id = "exam", Title = "Examine the feet", Kind = ActivityDefinition.RequestResourceType.Task, Status = PublicationStatus.Draft,
            Participant = [new ActivityDefinition.ParticipantComponent { Type = ActionParticipantType.Practitioner, Role = new CodeableConcept(null, null, "Nurse") }],
            Priority = RequestPriority.Urgent,
        });
        plan.Contained.Add(new ActivityDefinition { Id = "letter", Title = "Your foot exam", Description = "Results are in.", Kind = ActivityDefinition.RequestResourceType.CommunicationRequest });
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Wait a year", Timing = new Duration { Value = 1, Code = "a", System = "http://unitsofmeasure.org" } });
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Exam", Definition = new Canonical("#exam") });
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Letter", Definition = new Canonical("#letter") });

        var imported = PlanDefinitionMapper.FromFhir(plan);

        Assert.Empty(imported.Issues);
        Assert.False(imported.Publish);
        var document = imported.Document!;
        Assert.Equal(["timer", "task", "notification"], document.Steps.Select(s => s.Type));
        Assert.Equal("P1Y", document.Steps[0].Timer!.After);
        Assert.Equal("Nurse", document.Steps[1].Task!.Role);
        Assert.Equal("urgent", document.Steps[1].Task!.Priority);
        Assert.Equal(document.Steps[0].Id, document.Start);
        Assert.Equal(document.Steps[1].Id, Assert.Single(document.Steps[0].Next).To);
        Assert.Empty(document.Steps[2].Next);
    }

    [Fact]
    public void An_action_that_says_nothing_of_what_it_does_is_an_issue_at_its_path()
    {
        var plan = new PlanDefinition { Title = "Vague", Status = PublicationStatus.Active };
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Do something" });
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Elsewhere", Definition = new Canonical("http://example.org/ActivityDefinition/x") });

        var imported = PlanDefinitionMapper.FromFhir(plan);

        Assert.Contains(imported.Issues, i => i.Expression == "PlanDefinition.action[0]");
        Assert.Contains(imported.Issues, i => i.Expression == "PlanDefinition.action[1].definitionCanonical");
    }

    [Fact]
    public void A_retired_or_nameless_PlanDefinition_cannot_be_created()
    {
        var imported = PlanDefinitionMapper.FromFhir(new PlanDefinition { Status = PublicationStatus.Retired });
        Assert.Contains(imported.Issues, i => i.Expression == "PlanDefinition.status");
        Assert.Contains(imported.Issues, i => i.Expression == "PlanDefinition.title");
    }

    [Theory]
    [InlineData("Type 2 diabetes follow-up", "Type2DiabetesFollowUp")]
    [InlineData("2nd opinion", "Pathway2ndOpinion")]
    [InlineData("   ", "Pathway")]
    public void Machine_names_follow_FHIR_s_pattern(string name, string expected)
    {
        Assert.Equal(expected, PlanDefinitionMapper.MachineName(name));
    }
}
