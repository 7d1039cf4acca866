// JVM and .NET stack lines are parsed once per distinct line (a bounded cache): a frame must still depend on the
// failure it is in (the test class tells project code apart) and belong to that failure alone.
import { dotnetError } from '../../src/feedback/parsers/dotnet.js';
import { jvmFrame, parseJvmError } from '../../src/feedback/parsers/jvm.js';

const trace = [
  'java.lang.IllegalStateException: boom',
  '\tat com.acme.Inventory.total(Inventory.java:14)',
  '\tat org.junit.jupiter.api.Assertions.fail(Assertions.java:10)',
];

describe('JVM frame lines', () => {
  it('reads the same line anew for each test class', () => {
    const line = '\tat com.acme.core.Prices.sum(Prices.java:3)';
    expect(jvmFrame(line, { testClass: 'com.acme.core.PricesTest' })).toEqual({
      file: 'src/main/java/com/acme/core/Prices.java',
      line: 3,
      function: 'com.acme.core.Prices.sum',
      inProject: true,
    });
    expect(jvmFrame(line, { testClass: 'org.other.PricesTest' })?.inProject).toBe(false);
    expect(jvmFrame(line, { testClass: 'com.acme.core.PricesTest' })?.inProject).toBe(true);
    expect(jvmFrame(line)?.inProject).toBe(true);
  });

  it('gives each failure frames of its own', () => {
    const first = parseJvmError(trace, { testClass: 'com.acme.InventoryTest' });
    first.frames[0]!.file = `core/${first.frames[0]!.file}`;
    const second = parseJvmError(trace, { testClass: 'com.acme.InventoryTest' });
    expect(second.frames[0]!.file).toBe('src/main/java/com/acme/Inventory.java');
    expect(second.frames[1]).toEqual({
      file: 'Assertions.java',
      line: 10,
      function: 'org.junit.jupiter.api.Assertions.fail',
      inProject: false,
    });
  });

  it('refuses lines that are no frame, cached or not', () => {
    for (let i = 0; i < 2; i++) {
      expect(jvmFrame('\tat com.acme.Inventory.total(Native Method)')).toBeNull();
      expect(jvmFrame('\tat com.acme.Inventory.total(Inventory.txt:3)')).toBeNull();
      expect(jvmFrame('\tat com.acme.Inventory.total(Inventory.java:14) trailing')).toBeNull();
    }
  });

  it('reads a line longer than the cached ones', () => {
    const cls = `com.acme.${'a'.repeat(2000)}`;
    const line = `\tat ${cls}.run(Long.java:1)`;
    expect(jvmFrame(line, { testClass: 'com.acme.LongTest' })?.function).toBe(`${cls}.run`);
    expect(jvmFrame(line, { testClass: 'com.acme.LongTest' })?.line).toBe(1);
  });
});

describe('.NET frame lines', () => {
  const lines = [
    'Error Message:',
    '   Assert.Equal() Failure',
    'Stack Trace:',
    '   at Shapes.Tests.AreaTest.Square() in /src/Shapes.Tests/AreaTest.cs:line 12',
    '   at System.RuntimeMethodHandle.InvokeMethod(Object target)',
  ];

  it('gives each failure frames of its own', () => {
    const first = dotnetError(lines);
    first.frames[0]!.file = 'changed';
    const second = dotnetError(lines);
    expect(second.frames).toEqual([
      {
        file: '/src/Shapes.Tests/AreaTest.cs',
        line: 12,
        inProject: true,
        function: 'Shapes.Tests.AreaTest.Square',
      },
    ]);
  });
});
