using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MedicalHub.EndToEnd.Tests.Infrastructure;
using Npgsql;

namespace MedicalHub.EndToEnd.Tests.Content;

/// <summary>Uploads and downloads documents (directly at Content, or through the gateway) and looks into Content's database and object store.</summary>
internal sealed class DocumentsClient(StackFixture stack, string via = "content") : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ServiceCaller Caller { get; } = new(stack, via);

    public HttpClient Http => Caller.Http;

    /// <summary>A small but real PDF (its first bytes are what counts).</summary>
    public static byte[] Pdf(string text = "hello") => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {text} {Guid.NewGuid()}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    public static byte[] Png() => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Guid.NewGuid().ToByteArray(), 0, 0, 0, 0];

    public static byte[] Random(int length)
    {
        var bytes = new byte[length];
        System.Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    public async Task<HttpResponseMessage> UploadMultipartAsync(string? token, byte[] file, string fileName = "letter.pdf", string contentType = "application/pdf",
        string title = "Referral letter", string category = "referral", Guid? patientId = null, string path = "/api/documents", string? ifMatch = null)
    {
        using var form = new MultipartFormDataContent();
        if (path == "/api/documents")
        {
            form.Add(new StringContent(title), "title");
            form.Add(new StringContent(category), "category");
            if (patientId is { } patient)
            {
                form.Add(new StringContent(patient.ToString()), "patientId");
            }
        }
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(part, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        Authorize(request, token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await Http.SendAsync(request, Ct);
    }

    public async Task<HttpResponseMessage> UploadRawAsync(string? token, HttpContent content, string query = "title=Lab%20results&category=lab-result",
        string path = "/api/documents", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?{query}") { Content = content };
        Authorize(request, token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return await Http.SendAsync(request, Ct);
    }

    /// <summary>A new patient of <paramref name="owner"/>'s organization (the registry a document's patient must be in).</summary>
    public async Task<Guid> NewPatientAsync(ServiceCaller.User owner, string family = "Documented", string given = "Dora") =>
        (await PatientClient.CreateAsync(Caller, owner, PatientClient.Details(family, given))).GetProperty("id").GetGuid();

    /// <summary>The organization's PHI access records (newest first), filtered by <paramref name="query"/> (reading them adds one).</summary>
    public async Task<JsonElement[]> AccessRecordsAsync(ServiceCaller.User admin, string query)
    {
        using var response = await GetAsync($"/api/access-audit?{query}&pageSize=200", admin.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ServiceCaller.JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>Asserts that the organization's PHI access chain verifies.</summary>
    public async Task AssertChainVerifiesAsync(ServiceCaller.User admin)
    {
        using var verify = await GetAsync("/api/access-audit/verify", admin.Token);
        var verification = await ServiceCaller.JsonAsync(verify);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
    }

    /// <summary>Uploads a new document and returns its metadata (asserting 201).</summary>
    public async Task<JsonElement> CreateAsync(ServiceCaller.User owner, byte[]? file = null, string fileName = "letter.pdf", Guid? patientId = null, string category = "referral")
    {
        using var response = await UploadMultipartAsync(owner.Token, file ?? Pdf(), fileName, patientId: patientId, category: category);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ServiceCaller.JsonAsync(response);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        Authorize(request, token);
        headers?.Invoke(request.Headers);
        return await Http.SendAsync(request, Ct);
    }

    public async Task<byte[]> DownloadAsync(string path, string token)
    {
        using var response = await GetAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>
    /// Sends a request's head and the first <paramref name="sent"/> bytes of its body over a raw connection, then either
    /// closes it (a client that dies) or waits for the answer, which is returned as its status line and the bytes the
    /// server read before answering cannot be known, so only the answer is.
    /// </summary>
    public async Task<string?> SendRawAsync(string head, byte[] body, int sent, bool closeAfter, TimeSpan? wait = null)
    {
        var address = Http.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"), Ct);
        await stream.WriteAsync(body.AsMemory(0, sent), Ct);
        await stream.FlushAsync(Ct);
        if (closeAfter)
        {
            tcp.Client.Shutdown(SocketShutdown.Both);
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(wait ?? TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    public string Host => $"{Http.BaseAddress!.Host}:{Http.BaseAddress.Port}";

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = new NpgsqlConnection(await stack.ConnectionStringAsync("contentdb"));
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync(Ct);
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The organization's stored objects (committed and staging).</summary>
    public Task<long> StoredObjectCountAsync(Guid organizationId) =>
        ScalarAsync<long>("SELECT count(*) FROM stored_objects WHERE organization_id = @org", ("org", organizationId));

    /// <summary>The blobs the object store holds for an organization.</summary>
    public async Task<int> BlobCountAsync(Guid organizationId)
    {
        var container = new MedicalHub.Content.Api.Storage.AzureBlobContainer(await stack.ConnectionStringAsync("content-blobs"), "documents").Client;
        var count = 0;
        await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions
        {
            Prefix = $"{organizationId:D}/",
            States = Azure.Storage.Blobs.Models.BlobStates.Uncommitted,
        }, Ct))
        {
            count++;
        }
        return count;
    }

    /// <summary>Waits (up to ~30 s) until <paramref name="done"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await done())
            {
                return;
            }
            await Task.Delay(250, Ct);
        }
        Assert.Fail($"Never happened: {what}.");
    }

    public void Dispose() => Caller.Dispose();
}
