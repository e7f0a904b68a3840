using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Identity;

public sealed class AuditFhirExportTests(StackFixture stack)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Bundle> BundleAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return new FhirJsonDeserializer().Deserialize<Bundle>(await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_trail_exports_as_a_FHIR_searchset_of_AuditEvents_matching_the_JSON_API()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        using (await identity.PasswordGrantAsync(admin.Email, "a wrong password entirely")) { }
        var token = await identity.AccessTokenAsync(admin);

        using var json = await identity.SendAsync(HttpMethod.Get, "/api/audit-events?pageSize=3", token);
        var page = await json.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var fhir = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/fhir?pageSize=3", token);
        var bundle = await BundleAsync(fhir);

        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        Assert.Equal((int)page.GetProperty("total").GetInt64(), bundle.Total);
        Assert.Contains(bundle.Link, l => l.Relation == "next" && l.Url!.Contains("page=2", StringComparison.Ordinal));
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal(items.Count, bundle.Entry.Count);
        foreach (var (item, entry) in items.Zip(bundle.Entry))
        {
            var e = Assert.IsType<AuditEvent>(entry.Resource);
            Assert.Equal($"{admin.OrganizationId}-{item.GetProperty("sequence").GetInt64()}", e.Id);
            Assert.Equal(item.GetProperty("occurredAt").GetDateTimeOffset(), e.Recorded);
            Assert.Contains(e.Subtype, c => c.System == "urn:medicalhub:audit-action" && c.Code == item.GetProperty("action").GetString());
            Assert.Equal(item.GetProperty("outcome").GetString() == "success" ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4, e.Outcome);
            Assert.Equal(admin.OrganizationId.ToString(), e.Source!.Site);
            Assert.Equal("MedicalHub Identity", e.Source.Observer!.Display);
            var requestor = Assert.Single(e.Agent, a => a.Requestor == true);
            Assert.Equal(admin.UserId.ToString(), requestor.Who!.Identifier!.Value);
            Assert.Equal(item.GetProperty("ipAddress").GetString(), requestor.Network?.Address);
            var record = Assert.Single(e.Entity, x => x.What?.Identifier?.System == $"urn:medicalhub:audit-chain:{admin.OrganizationId}");
            Assert.Equal(item.GetProperty("hash").GetString(), ((FhirString)record.Detail.Single(d => d.Type == "hash").Value!).Value);
        }
        var login = (AuditEvent)bundle.Entry[0].Resource!;
        Assert.Equal("110114", login.Type!.Code); // User Authentication
        Assert.Equal("110122", login.Subtype[0].Code); // Login
        Assert.Equal("pwd", login.OutcomeDesc);
        Assert.Contains(login.Agent, a => a.Requestor == false && a.Who?.Identifier?.Value == "medicalhub-web");

        using var failures = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/fhir?action=login.failed", token);
        var failed = (AuditEvent)Assert.Single((await BundleAsync(failures)).Entry).Resource!;
        Assert.Equal(AuditEvent.AuditEventOutcome.N4, failed.Outcome);
        Assert.Equal("wrong password", failed.OutcomeDesc);
    }

    [Fact]
    public async Task Another_organization_s_administrator_exports_none_of_these_events()
    {
        using var identity = new IdentityClient(stack);
        var alice = await identity.RegisterVerifiedAsync();
        var bob = await identity.RegisterVerifiedAsync();
        var bobToken = await identity.AccessTokenAsync(bob);

        using var aboutAlice = await identity.SendAsync(HttpMethod.Get, $"/api/audit-events/fhir?actor={alice.UserId}", bobToken);
        var none = await BundleAsync(aboutAlice);
        Assert.Equal(0, none.Total);
        Assert.Empty(none.Entry);

        using var all = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/fhir", bobToken);
        var own = await BundleAsync(all);
        Assert.NotEmpty(own.Entry);
        Assert.All(own.Entry, entry => Assert.Equal(bob.OrganizationId.ToString(), ((AuditEvent)entry.Resource!).Source!.Site));
    }

    [Fact]
    public async Task Members_without_audit_read_are_refused_and_bad_filters_get_a_400()
    {
        using var identity = new IdentityClient(stack);
        var admin = await identity.RegisterVerifiedAsync();
        var nurse = await identity.RegisterVerifiedAsync();
        await identity.JoinAsync(nurse.UserId, admin.OrganizationId, IdentityClient.NurseRole);

        using var refused = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/fhir", await identity.AccessTokenAsync(nurse, admin.OrganizationId));
        using var badFilter = await identity.SendAsync(HttpMethod.Get, "/api/audit-events/fhir?pageSize=0", await identity.AccessTokenAsync(admin));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Equal("application/problem+json", badFilter.Content.Headers.ContentType?.MediaType);
    }
}
