// hostile: async code
// expect: rejected threading 5
public static class P
{
    public static int Label(string text) => Run().GetAwaiter().GetResult();

    private static async System.Threading.Tasks.Task<int> Run()
    {
        await System.Threading.Tasks.Task.Delay(100000);
        return 1;
    }
}
