using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>
/// A document's patient is one of the organization's patients in the registry: another organization's or an unknown id is
/// refused before the file is read; a merged record's documents (and shares of its chart) follow the survivor, and a
/// merged id given later resolves to it.
/// </summary>
public sealed class DocumentPatientTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);

    public void Dispose() => _content.Dispose();

    [Fact]
    public async Task Another_organization_s_patient_or_an_unknown_one_is_refused_and_nothing_is_stored()
    {
        var admin = await _content.Caller.NewOrganizationAdminAsync();
        var stranger = await _content.Caller.NewOrganizationAdminAsync();
        var theirs = await _content.NewPatientAsync(stranger, "Foreign", "Fred");

        foreach (var patient in new[] { theirs, Guid.NewGuid() })
        {
            using var multipart = await _content.UploadMultipartAsync(admin.Token, DocumentsClient.Pdf(), patientId: patient);
            Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
            Assert.True((await ServiceCaller.JsonAsync(multipart)).GetProperty("errors").TryGetProperty("patientId", out _));
            using var raw = await _content.UploadRawAsync(admin.Token, new ByteArrayContent(DocumentsClient.Pdf()), $"title=x&category=letter&patientId={patient}");
            Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
            using var chart = await SendAsync(HttpMethod.Post, "/api/shares", admin.Token, new { patientId = patient, recipientRole = "Nurse" });
            Assert.Equal(HttpStatusCode.NotFound, chart.StatusCode);
        }

        using var list = await _content.GetAsync("/api/documents", admin.Token);
        Assert.Equal(0, (await ServiceCaller.JsonAsync(list)).GetProperty("total").GetInt32());
        Assert.Equal(0, await _content.StoredObjectCountAsync(admin.OrganizationId));
    }

    [Fact]
    public async Task A_merged_record_s_documents_and_chart_shares_follow_the_survivor()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var hospital = await _content.Caller.NewOrganizationAdminAsync();
        var nurse = await _content.Caller.MemberAsync(hospital, Identity.IdentityClient.NurseRole);
        var survivor = await _content.NewPatientAsync(owner, "Martin", "Claire");
        var duplicate = await _content.NewPatientAsync(owner, "Martin", "Clare");
        var filedUnderDuplicate = await _content.CreateAsync(owner, patientId: duplicate);
        var id = filedUnderDuplicate.GetProperty("id").GetGuid();
        var survivorsOwn = (await _content.CreateAsync(owner, patientId: survivor)).GetProperty("id").GetGuid();
        using (var share = await SendAsync(HttpMethod.Post, "/api/shares", owner.Token, new { patientId = duplicate, recipientRole = "Nurse", recipientOrganizationId = hospital.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        }

        using (var merge = await SendAsync(HttpMethod.Post, $"/api/patients/{survivor}/merge", owner.Token, new { mergeId = duplicate }))
        {
            Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        }

        using (var moved = await _content.GetAsync($"/api/documents/{id}", owner.Token))
        {
            var document = await ServiceCaller.JsonAsync(moved);
            Assert.Equal(survivor, document.GetProperty("patientId").GetGuid());
            Assert.NotEqual(filedUnderDuplicate.GetProperty("etag").GetString(), document.GetProperty("etag").GetString());
        }
        foreach (var patient in new[] { survivor, duplicate })
        {
            using var listed = await _content.GetAsync($"/api/documents?patientId={patient}", owner.Token);
            Assert.Equal(new[] { id, survivorsOwn }.Order(), (await ServiceCaller.JsonAsync(listed)).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).Order());
        }
        var later = await _content.CreateAsync(owner, patientId: duplicate);
        Assert.Equal(survivor, later.GetProperty("patientId").GetGuid());

        // The chart share of the merged record is now the survivor's: the nurse reads all three.
        using var received = await _content.GetAsync("/api/shares/received/documents", nurse.Token);
        Assert.Equal(3, (await ServiceCaller.JsonAsync(received)).GetProperty("total").GetInt32());
        using var shares = await _content.GetAsync($"/api/shares?patientId={survivor}", owner.Token);
        Assert.Equal(1, (await ServiceCaller.JsonAsync(shares)).GetProperty("total").GetInt32());

        var merge2 = (await _content.AccessRecordsAsync(owner, $"patientId={duplicate}&action=merge")).Single();
        Assert.Contains("1 document(s) and 1 chart share(s) moved", merge2.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await _content.AssertChainVerifiesAsync(owner);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _content.Http.SendAsync(request, Ct);
    }
}
