// hostile: a #pragma checksum directive
// expect: rejected syntax 3
#pragma checksum "file.cs" "{ff1816ec-aa5e-4d10-87f7-6f4963833460}" "ab007f1d23d9"
public static class P
{
    public static int Label(string text) => 1;
}
