using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Communication;
using MedicalHub.EndToEnd.Tests.Infrastructure;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Shares with users and roles of other organizations: honoured by every read at once, read-only, revocable, expiring, notified by e-mail.</summary>
public sealed class SharingTests(StackFixture stack) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DocumentsClient _content = new(stack);
    private readonly MailSink _mail = new(stack);

    public void Dispose()
    {
        _content.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task A_document_shared_with_another_organization_s_user_is_readable_by_them_alone_until_revoked_and_they_are_told_by_e_mail()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var specialist = await _content.Caller.NewOrganizationAdminAsync();
        var colleague = await _content.Caller.MemberAsync(specialist, Identity.IdentityClient.PractitionerRole);
        var file = DocumentsClient.Pdf("for the specialist");
        var document = await _content.CreateAsync(owner, file);
        var id = document.GetProperty("id").GetGuid();

        using (var before = await _content.GetAsync($"/api/documents/{id}", specialist.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }
        var share = await ShareAsync(owner, new { documentId = id, recipientUserId = specialist.Account.UserId, recipientOrganizationId = specialist.OrganizationId });

        Assert.Equal(file, await _content.DownloadAsync($"/api/documents/{id}/content", specialist.Token));
        Assert.Equal(file, await _content.DownloadAsync($"/api/documents/{id}/versions/1/content", specialist.Token));
        using (var metadata = await _content.GetAsync($"/api/documents/{id}", specialist.Token))
        {
            Assert.Equal(owner.OrganizationId, (await ServiceCaller.JsonAsync(metadata)).GetProperty("organizationId").GetGuid());
        }
        using (var received = await _content.GetAsync("/api/shares/received/documents", specialist.Token))
        {
            Assert.Equal(id, Assert.Single((await ServiceCaller.JsonAsync(received)).GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        }
        // Read-only, and for that user only: not the colleague in the same organization, not the owner's lists of the specialist.
        using (var write = await SendAsync(HttpMethod.Patch, $"/api/documents/{id}", specialist.Token, new { title = "Changed" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        }
        using (var upload = await _content.UploadMultipartAsync(specialist.Token, DocumentsClient.Pdf(), path: $"/api/documents/{id}/versions"))
        {
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        }
        using (var other = await _content.GetAsync($"/api/documents/{id}/content", colleague.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        using (var list = await _content.GetAsync("/api/documents", specialist.Token))
        {
            Assert.Equal(0, (await ServiceCaller.JsonAsync(list)).GetProperty("total").GetInt32());
        }

        // The recipient's mailbox also holds the verification e-mail of their sign-up: the share's is the second.
        var mail = Assert.Single(await _mail.MessagesToAsync(specialist.Account.Email, atLeast: 2),
            m => m.GetProperty("subject").GetString()!.Contains("shared a document with you", StringComparison.Ordinal));
        Assert.DoesNotContain(document.GetProperty("title").GetString()!, await _mail.RawAsync(mail));

        using (var revoke = await SendAsync(HttpMethod.Delete, $"/api/shares/{share}", owner.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using var after = await _content.GetAsync($"/api/documents/{id}/content", specialist.Token);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task A_patient_s_chart_shared_with_a_role_of_another_organization_opens_every_document_of_that_patient_only()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var hospital = await _content.Caller.NewOrganizationAdminAsync();
        var nurse = await _content.Caller.MemberAsync(hospital, Identity.IdentityClient.NurseRole);
        var receptionist = await _content.Caller.MemberAsync(hospital, Identity.IdentityClient.ReceptionistRole);
        var patient = await _content.NewPatientAsync(owner);
        var letter = (await _content.CreateAsync(owner, patientId: patient)).GetProperty("id").GetGuid();
        var labs = (await _content.CreateAsync(owner, patientId: patient, category: "lab-result")).GetProperty("id").GetGuid();
        var otherPatient = (await _content.CreateAsync(owner, patientId: await _content.NewPatientAsync(owner, "Other", "Olga"))).GetProperty("id").GetGuid();

        await ShareAsync(owner, new { patientId = patient, recipientRole = "Nurse", recipientOrganizationId = hospital.OrganizationId });

        foreach (var id in new[] { letter, labs })
        {
            using var read = await _content.GetAsync($"/api/documents/{id}/content", nurse.Token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var notForThem = await _content.GetAsync($"/api/documents/{id}/content", receptionist.Token);
            Assert.Equal(HttpStatusCode.NotFound, notForThem.StatusCode);
        }
        using (var other = await _content.GetAsync($"/api/documents/{otherPatient}", nurse.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        using var received = await _content.GetAsync("/api/shares/received/documents", nurse.Token);
        Assert.Equal(2, (await ServiceCaller.JsonAsync(received)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_share_stops_at_its_expiry_and_bad_shares_are_refused()
    {
        var owner = await _content.Caller.NewOrganizationAdminAsync();
        var specialist = await _content.Caller.NewOrganizationAdminAsync();
        var id = (await _content.CreateAsync(owner)).GetProperty("id").GetGuid();

        // Long enough to be read before it on a loaded machine; the wait is until just past it.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(15);
        await ShareAsync(owner, new { documentId = id, recipientUserId = specialist.Account.UserId, recipientOrganizationId = specialist.OrganizationId, expiresAt });
        using (var read = await _content.GetAsync($"/api/documents/{id}", specialist.Token))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        var untilExpired = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (untilExpired > TimeSpan.Zero)
        {
            await Task.Delay(untilExpired, Ct);
        }
        using (var expired = await _content.GetAsync($"/api/documents/{id}", specialist.Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        }

        // A user who is not a member of the organization named, a past expiry, both or neither subject: refused, nothing shared.
        using (var stranger = await SendAsync(HttpMethod.Post, "/api/shares", owner.Token,
                   new { documentId = id, recipientUserId = specialist.Account.UserId, recipientOrganizationId = owner.OrganizationId }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, stranger.StatusCode);
        }
        foreach (var bad in new object[]
                 {
                     new { documentId = id, recipientRole = "Nurse", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) },
                     new { documentId = id, patientId = Guid.NewGuid(), recipientRole = "Nurse" },
                     new { recipientRole = "Nurse" },
                     new { documentId = id, recipientRole = "Nurse", recipientUserId = specialist.Account.UserId },
                 })
        {
            using var refused = await SendAsync(HttpMethod.Post, "/api/shares", owner.Token, bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using var shares = await _content.GetAsync($"/api/shares?documentId={id}", owner.Token);
        Assert.Equal(1, (await ServiceCaller.JsonAsync(shares)).GetProperty("total").GetInt32());
    }

    private async Task<Guid> ShareAsync(ServiceCaller.User owner, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/shares", owner.Token, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceCaller.JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _content.Http.SendAsync(request, Ct);
    }
}
