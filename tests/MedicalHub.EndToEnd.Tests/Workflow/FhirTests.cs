using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using MedicalHub.EndToEnd.Tests.Identity;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace MedicalHub.EndToEnd.Tests.Workflow;

/// <summary>Workflow's FHIR R4 endpoint as a stock client sees it: Firely's FhirClient against /fhir on the service.</summary>
public sealed class FhirTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly WorkflowClient _workflow = new(stack);

    public void Dispose() => _workflow.Dispose();

    private sealed class Bearer(string token) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private FhirClient Client(ServiceCaller.User user, string resource = "workflow") =>
        new(new Uri(stack.App.GetEndpoint(resource, "http"), "/fhir"), new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false },
            new Bearer(user.Token));

    private static async Task<FhirOperationException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<FhirOperationException>(call);

    [Fact]
    public async Task The_capability_statement_lists_the_three_types_and_apply()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var metadata = await Client(admin).CapabilityStatementAsync();

        Assert.Equal(FHIRVersion.N4_0_1, metadata!.FhirVersion);
        var resources = metadata.Rest.Single().Resource;
        Assert.Equal(["ActivityDefinition", "PlanDefinition", "Task"], resources.Select(r => r.Type).Order());
        Assert.Contains(resources.Single(r => r.Type == "PlanDefinition").Operation, o => o.Name == "apply");
        Assert.Contains(resources.Single(r => r.Type == "Task").SearchParam, p => p.Name == "_lastUpdated");
    }

    [Fact]
    public async Task The_gateway_s_one_FHIR_base_lists_and_routes_Workflow_s_types_beside_Content_s()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var gateway = Client(admin, GatewayUnderTest.Name);

        var statement = await gateway.CapabilityStatementAsync();
        Assert.Superset(new HashSet<string> { "Patient", "PlanDefinition", "ActivityDefinition", "Task" }, statement!.Rest.Single().Resource.Select(r => r.Type!).ToHashSet());
        Assert.Contains(statement.Rest.Single().Resource.Single(r => r.Type == "PlanDefinition").Operation, o => o.Name == "apply");

        var plan = new PlanDefinition { Title = "Through the gateway", Status = PublicationStatus.Active };
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Wait", Timing = new Duration { Value = 1, Unit = "d", Code = "d", System = "http://unitsofmeasure.org" } });
        var created = await gateway.CreateAsync(plan);
        Assert.Equal(created!.Id, (await gateway.ReadAsync<PlanDefinition>($"PlanDefinition/{created.Id}"))!.Id);
        // The same resource read from the service itself: the gateway routed the type to Workflow.
        Assert.Equal("Through the gateway", (await Client(admin).ReadAsync<PlanDefinition>($"PlanDefinition/{created.Id}"))!.Title);
        Assert.Empty((await gateway.SearchAsync<Hl7.Fhir.Model.Task>([$"patient=Patient/{Guid.NewGuid()}"]))!.Entry);
    }

    [Fact]
    public async Task A_PlanDefinition_is_created_read_searched_and_applied_to_a_patient()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var client = Client(admin);
        var plan = new PlanDefinition { Title = "Annual foot exam", Status = PublicationStatus.Active };
        plan.Contained.Add(new ActivityDefinition
        {
            Id = "exam", Title = "Examine the feet", Kind = ActivityDefinition.RequestResourceType.Task, Status = PublicationStatus.Active,
            Participant = [new ActivityDefinition.ParticipantComponent { Type = ActionParticipantType.Practitioner, Role = new CodeableConcept { Text = "Nurse" } }],
        });
        plan.Action.Add(new PlanDefinition.ActionComponent { Title = "Exam", Definition = new Canonical("#exam") });

        var created = await client.CreateAsync(plan);

        Assert.NotNull(created!.Id);
        Assert.Equal("1", created.Meta!.VersionId);
        Assert.Equal("AnnualFootExam", created.Name);
        var read = await client.ReadAsync<PlanDefinition>($"PlanDefinition/{created.Id}");
        Assert.Equal(PublicationStatus.Active, read!.Status);
        Assert.Equal("exam", read.Action.Single().ElementId);
        var versioned = await client.ReadAsync<PlanDefinition>($"PlanDefinition/{created.Id}/_history/1");
        Assert.Equal(read.Url, versioned!.Url);

        var found = await client.SearchAsync<PlanDefinition>(["title=foot", "status=active"]);
        Assert.Equal(created.Id, Assert.Single(found!.Entry).Resource!.Id);
        Assert.Empty((await client.SearchAsync<PlanDefinition>(["title=knee"]))!.Entry);

        var activity = await client.ReadAsync<ActivityDefinition>($"ActivityDefinition/{created.Id}.exam");
        Assert.Equal(ActivityDefinition.RequestResourceType.Task, activity!.Kind);
        Assert.Single((await client.SearchAsync<ActivityDefinition>([$"_id={created.Id}.exam"]))!.Entry);

        // $apply starts the pathway: the answer is the instance as a CarePlan, with its first task.
        var patient = await _workflow.KnownPatientAsync(admin);
        var parameters = new Parameters();
        parameters.Add("subject", new FhirString($"Patient/{patient}"));
        var carePlan = Assert.IsType<CarePlan>(await client.InstanceOperationAsync(new Uri($"PlanDefinition/{created.Id}", UriKind.Relative), "apply", parameters));
        Assert.Equal($"Patient/{patient}", carePlan.Subject!.Reference);
        Assert.Equal($"{read.Url}|1", carePlan.InstantiatesCanonical.Single());
        var taskReference = Assert.Single(carePlan.Activity).Reference!.Reference;
        var task = await client.ReadAsync<Hl7.Fhir.Model.Task>(taskReference!);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Ready, task!.Status);
        Assert.Equal($"CarePlan/{carePlan.Id}", task.BasedOn.Single().Reference);
    }

    [Fact]
    public async Task What_is_not_a_valid_PlanDefinition_is_an_OperationOutcome_naming_the_action()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var client = Client(admin);

        var vague = new PlanDefinition { Title = "Vague", Status = PublicationStatus.Active };
        vague.Action.Add(new PlanDefinition.ActionComponent { Title = "Something" });
        var unknown = await RefusedAsync(() => client.CreateAsync(vague));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);
        Assert.Contains(unknown.Outcome!.Issue, i => i.Expression.Contains("PlanDefinition.action[0]"));

        var badRole = new PlanDefinition { Title = "Bad role", Status = PublicationStatus.Draft };
        badRole.Contained.Add(new ActivityDefinition { Id = "mop", Title = "Mop", Kind = ActivityDefinition.RequestResourceType.Task, Status = PublicationStatus.Draft,
            Participant = [new ActivityDefinition.ParticipantComponent { Type = ActionParticipantType.Practitioner, Role = new CodeableConcept { Text = "Janitor" } }] });
        badRole.Action.Add(new PlanDefinition.ActionComponent { ElementId = "clean", Title = "Clean", Definition = new Canonical("#mop") });
        var role = await RefusedAsync(() => client.CreateAsync(badRole));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, role.Status);
        var issue = Assert.Single(role.Outcome!.Issue);
        Assert.Equal("PlanDefinition.action[0]", issue.Expression.Single());
        Assert.Contains("Janitor", issue.Diagnostics, StringComparison.Ordinal);

        // Not a PlanDefinition at all, and not JSON FHIR: 400 OperationOutcomes.
        using var patient = await _workflow.SendJsonAsync(HttpMethod.Post, "/fhir/PlanDefinition", admin.Token, """{ "resourceType": "Patient" }""");
        Assert.Equal(HttpStatusCode.BadRequest, patient.StatusCode);
        Assert.Equal("application/fhir+json", patient.Content.Headers.ContentType?.MediaType);
        using var garbage = await _workflow.SendJsonAsync(HttpMethod.Post, "/fhir/PlanDefinition", admin.Token, """{ "resourceType": "PlanDefinition", "status": 12 }""");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("OperationOutcome", (await WorkflowClient.JsonAsync(garbage)).GetProperty("resourceType").GetString());
        Assert.Empty((await client.SearchAsync<PlanDefinition>([]))!.Entry); // nothing was created
    }

    [Fact]
    public async Task A_pathway_exported_as_PlanDefinition_imports_back_to_the_same_definition()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var template = await _workflow.OkJsonAsync(HttpMethod.Get, "/api/care-pathways/templates/referral", admin.Token);
        var pathway = await _workflow.PublishedPathwayAsync(admin, template.GetRawText(), "Referral to cardiology");
        var client = Client(admin);

        var exported = await client.ReadAsync<PlanDefinition>($"PlanDefinition/{pathway}");
        exported!.Id = null;
        exported.Title = "Referral to cardiology (copy)";
        var imported = await client.CreateAsync(exported);

        var original = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/care-pathways/{pathway}/versions/1", admin.Token);
        var copy = await _workflow.OkJsonAsync(HttpMethod.Get, $"/api/care-pathways/{imported!.Id}/versions/1", admin.Token);
        Assert.Equal(original.GetProperty("definition").GetRawText(), copy.GetProperty("definition").GetRawText());
    }

    [Fact]
    public async Task Tasks_are_searched_by_patient_owner_status_and_last_update_and_their_status_changes_by_update()
    {
        var admin = await _workflow.NewOrganizationAdminAsync();
        var nurse = await _workflow.MemberAsync(admin, IdentityClient.NurseRole);
        var pathway = await _workflow.PublishedPathwayAsync(admin, DefinitionTests.TwoTasks);
        var patient = await _workflow.KnownPatientAsync(admin);
        var instance = await _workflow.StartAsync(admin, pathway, patient);
        var before = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var client = Client(nurse);

        var byPatient = await client.SearchAsync<Hl7.Fhir.Model.Task>([$"patient=Patient/{patient}", "status=ready", $"_lastUpdated=ge{before}"]);
        var task = Assert.IsType<Hl7.Fhir.Model.Task>(Assert.Single(byPatient!.Entry).Resource);
        Assert.Empty((await client.SearchAsync<Hl7.Fhir.Model.Task>([$"patient={patient}", "status=completed"]))!.Entry);
        Assert.Empty((await client.SearchAsync<Hl7.Fhir.Model.Task>([$"patient={patient}", $"_lastUpdated=lt{before}"]))!.Entry);

        // Claim by update: ready -> in-progress; the owner becomes the nurse.
        task.Status = Hl7.Fhir.Model.Task.TaskStatus.InProgress;
        var claimed = await client.UpdateAsync(task);
        Assert.Equal($"Practitioner/{nurse.Account.UserId}", claimed!.Owner!.Reference);
        Assert.Single((await client.SearchAsync<Hl7.Fhir.Model.Task>([$"owner=Practitioner/{nurse.Account.UserId}"]))!.Entry);

        // A stale version is refused (If-Match), and so is changing what only the pathway changes.
        var stale = await RefusedAsync(() => client.UpdateAsync(task, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        claimed.For = new ResourceReference($"Patient/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await RefusedAsync(() => client.UpdateAsync(claimed))).Status);
        claimed.For = new ResourceReference($"Patient/{patient}");

        // Complete by update, with an outcome and a note: the pathway moves on.
        claimed.Status = Hl7.Fhir.Model.Task.TaskStatus.Completed;
        claimed.Output.Add(new Hl7.Fhir.Model.Task.OutputComponent { Type = new CodeableConcept("https://medicalhub.health/fhir/CodeSystem/task-outcome", "outcome"), Value = new Code("done") });
        claimed.Note.Add(new Annotation { Text = "Seen today" });
        var completed = await client.UpdateAsync(claimed);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, completed!.Status);
        Assert.Equal("done", completed.BusinessStatus!.Coding.Single().Code);
        await _workflow.WaitForAsync(admin, instance, WorkflowClient.AtStep("second"), 10);
        var first = WorkflowClient.Step(await _workflow.InstanceAsync(admin, instance), "first");
        Assert.Equal("Seen today", first.GetProperty("note").GetString());

        // Sending the completed task again changes nothing; completing it with another outcome is a conflict.
        Assert.Equal("done", (await client.UpdateAsync(completed))!.BusinessStatus!.Coding.Single().Code);
        completed.Output.Single().Value = new Code("other");
        Assert.Equal(HttpStatusCode.Conflict, (await RefusedAsync(() => client.UpdateAsync(completed))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await RefusedAsync(() => client.SearchAsync<Hl7.Fhir.Model.Task>(["_lastUpdated=yesterday"]))).Status);
    }

    [Fact]
    public async Task Another_organization_reads_none_of_it()
    {
        var owner = await _workflow.NewOrganizationAdminAsync();
        var stranger = await _workflow.NewOrganizationAdminAsync();
        var pathway = await _workflow.PublishedPathwayAsync(owner, DefinitionTests.TwoTasks);
        var patient = await _workflow.KnownPatientAsync(owner);
        var instance = await _workflow.StartAsync(owner, pathway, patient);
        var task = WorkflowClient.OpenTask(await _workflow.InstanceAsync(owner, instance)).GetProperty("id").GetGuid();
        var client = Client(stranger);

        Assert.Equal(HttpStatusCode.NotFound, (await RefusedAsync(() => client.ReadAsync<PlanDefinition>($"PlanDefinition/{pathway}"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await RefusedAsync(() => client.ReadAsync<ActivityDefinition>($"ActivityDefinition/{pathway}.first"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await RefusedAsync(() => client.ReadAsync<Hl7.Fhir.Model.Task>($"Task/{task}"))).Status);
        Assert.Empty((await client.SearchAsync<Hl7.Fhir.Model.Task>([$"patient={patient}"]))!.Entry);
        Assert.Empty((await client.SearchAsync<PlanDefinition>([$"_id={pathway}"]))!.Entry);
        var parameters = new Parameters();
        parameters.Add("subject", new FhirString($"Patient/{patient}"));
        Assert.Equal(HttpStatusCode.NotFound,
            (await RefusedAsync(() => client.InstanceOperationAsync(new Uri($"PlanDefinition/{pathway}", UriKind.Relative), "apply", parameters))).Status);
        var ownTask = await Client(owner).ReadAsync<Hl7.Fhir.Model.Task>($"Task/{task}");
        Assert.Equal(HttpStatusCode.NotFound, (await RefusedAsync(() => client.UpdateAsync(ownTask!))).Status);
        // Applying the owner's pathway to a patient of the stranger's own organization is refused the same way.
        var strangersPatient = await _workflow.KnownPatientAsync(stranger);
        var ownParameters = new Parameters();
        ownParameters.Add("subject", new FhirString($"Patient/{strangersPatient}"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await RefusedAsync(() => Client(owner).InstanceOperationAsync(new Uri($"PlanDefinition/{pathway}", UriKind.Relative), "apply", ownParameters))).Status);
    }
}
