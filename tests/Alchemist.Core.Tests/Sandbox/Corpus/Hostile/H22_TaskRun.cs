// hostile: runs work on the thread pool, outside the budget
// expect: rejected threading 9
using System.Threading.Tasks;

public static class P
{
    public static int Label(string text)
    {
        Task.Run(() => { while (true) { } });
        return 1;
    }
}
