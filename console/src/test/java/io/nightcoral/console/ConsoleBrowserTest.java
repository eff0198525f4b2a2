package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.JobOptions;
import io.nightcoral.Schedule;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs), driven by Selenium WebDriver: live figures, a dead job's stack,
 * requeue, escaping and a refused POST. Screenshots of each page go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String TOKEN = ConsoleSecurityTest.TOKEN;

  @TempDir Path dir;

  private Path profile;

  private WebDriver driver;
  private TestQueue q;
  private NightCoralConsole console;

  @BeforeAll
  void startChromium() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
        "Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does): "
            + "the browser tests are skipped");
    Files.createDirectories(SCREENSHOTS);
    profile = Files.createTempDirectory("nightcoral-chromium-");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=1280,800");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 800));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  @BeforeEach
  void forgetTheLastTestsLog() {
    driver.manage().logs().get(LogType.BROWSER);
  }

  @AfterEach
  void stopConsole() {
    driver.get("about:blank"); // the overview stops polling before its console goes
    if (console != null) {
      console.close();
    }
    if (q != null) {
      q.close();
    }
    console = null;
    q = null;
  }

  @AfterAll
  void stopChromium() {
    if (driver != null) {
      driver.quit();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A queue on a database of its own (the temporary folder lives as long as this class). */
  private TestQueue queue(int workers) throws IOException {
    return new TestQueue(Files.createTempDirectory(dir, "queue-"), workers);
  }

  @Test
  void theOverviewsFiguresMoveWhileJobsFlow() throws Exception {
    q = queue(2);
    q.deadJob("an old failure");
    q.nc.addTimer(Duration.ofHours(1), "report later");
    q.nc.addTimer(Duration.ofHours(2), "remind later");
    console = start(Duration.ofMillis(200));
    driver.get(console.uri().toString());
    String before = figure("retired");
    List<String> work = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      work.add("work " + i); // each takes a few milliseconds in the fake worker
    }
    q.nc.addAll(work);
    await().ignoreExceptions().until(() -> !figure("retired").equals(before));
    String moved = figure("retired");
    await().ignoreExceptions().until(() -> !figure("retired").equals(moved));
    await().until(() -> console != null && q.nc.stats().retired() > 2_500);
    String updated = updatedText();
    await().ignoreExceptions().until(() -> !updatedText().equals(updated)); // redrawn since
    assertEquals("1", figure("dead"));
    assertEquals("2", figure("timers"));
    assertNoBrowserErrors();
    screenshot("overview");
  }

  @Test
  void aDeadJobsPageShowsItsStackAndRequeueRunsIt() throws Exception {
    q = queue(1);
    long dead = q.deadJob("charge card 4242");
    console = start(NightCoralConsoleBuilder.DEFAULT_SAMPLE_INTERVAL);
    logIn("/dead");
    assertTrue(driver.getCurrentUrl().endsWith("/dead"), driver.getCurrentUrl());
    screenshot("dead-jobs");
    driver.findElement(By.linkText(String.valueOf(dead))).click();
    String stack = driver.findElement(By.cssSelector("pre.stack")).getText();
    assertTrue(stack.contains("IllegalStateException: cannot do fail charge card 4242"), stack);
    assertTrue(stack.contains("at io.nightcoral"), stack);
    screenshot("dead-job");

    q.failing.set(false);
    driver.findElement(By.xpath("//button[text()='Requeue']")).click();
    assertTrue(driver.findElement(By.cssSelector(".notice")).getText().contains("is queued again"));
    await().until(() -> q.ran.contains("fail charge card 4242"));
    assertTrue(q.nc.deadJobs().isEmpty());
    driver.navigate().refresh();
    assertTrue(driver.findElement(By.tagName("main")).getText().contains("No dead job."));
    assertNoBrowserErrors();
  }

  @Test
  void aJobWhoseTextHoldsAScriptIsShownAsText() throws Exception {
    q = queue(1);
    String evil = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
    q.nc.addTimer(Duration.ofHours(1), evil, JobOptions.key("<b>key</b>"));
    q.nc.addTimer(Duration.ofMinutes(30), "{\"task\":\"send-mail\",\"to\":\"ops@example.com\"}");
    console = start(NightCoralConsoleBuilder.DEFAULT_SAMPLE_INTERVAL);
    driver.get(console.uri().resolve("jobs").toString());
    List<WebElement> payloads = driver.findElements(By.cssSelector("code.payload"));
    assertEquals(evil, payloads.get(0).getText());
    assertTrue(driver.findElement(By.tagName("tbody")).getText().contains("<b>key</b>"));
    assertEquals(
        Boolean.TRUE,
        ((JavascriptExecutor) driver).executeScript("return window.pwned === undefined;"));
    assertTrue(driver.findElements(By.cssSelector("tbody img, tbody script, tbody b")).isEmpty());
    screenshot("jobs");
  }

  @Test
  void aPostWithoutTheTokenIsRefusedAndChangesNothing() throws Exception {
    q = queue(1);
    long dead = q.deadJob("keep me");
    console = start(NightCoralConsoleBuilder.DEFAULT_SAMPLE_INTERVAL);
    driver.get(console.uri().toString());
    driver.manage().deleteAllCookies();
    assertEquals(403, post("dead/delete", "id=" + dead));
    assertEquals(403, post("dead/requeue", "id=" + dead));
    logIn("/dead");
    assertEquals(403, post("dead/delete", "id=" + dead)); // logged in, but no CSRF token
    assertEquals(403, post("dead/delete", "id=" + dead + "&csrf=guessed"));
    assertEquals(List.of(dead), q.nc.deadJobs().stream().map(d -> d.id()).toList());
    assertFalse(q.ran.contains("fail keep me"));
  }

  @Test
  void everyPageLoadsItsOwnStyleAndScriptAndNothingElse() throws Exception {
    q = queue(2);
    q.nc.schedule("nightly-report", Schedule.cron("0 3 * * *"), "{\"task\":\"report\"}");
    q.nc.schedule("every-5-minutes", Schedule.every(Duration.ofMinutes(5)), "{\"task\":\"sync\"}");
    q.nc.add("block");
    await().until(() -> q.nc.stats().running() == 1);
    console = start(NightCoralConsoleBuilder.DEFAULT_SAMPLE_INTERVAL);
    driver.get(console.uri().resolve("login").toString());
    screenshot("login");
    logIn("/");
    for (String page : List.of("workers", "schedules")) {
      driver.get(console.uri().resolve(page).toString());
      String header =
          (String)
              ((JavascriptExecutor) driver)
                  .executeScript(
                      "return getComputedStyle(document.querySelector('header')).backgroundColor;");
      assertEquals("rgb(29, 35, 48)", header, "the style sheet applies on " + page);
      screenshot(page);
    }
    assertTrue(driver.findElement(By.tagName("tbody")).getText().contains("nightly-report"));
    driver.get(console.uri().resolve("workers").toString());
    assertTrue(driver.findElement(By.tagName("tbody")).getText().contains("busy"));
    assertNoBrowserErrors();
  }

  private NightCoralConsole start(Duration sampleInterval) {
    return NightCoralConsole.builder(q.nc)
        .bind("127.0.0.1", 0)
        .token(TOKEN)
        .sampleInterval(sampleInterval)
        .history(Duration.ofMinutes(5))
        .start();
  }

  private void logIn(String next) {
    driver.get(console.uri().resolve("login?next=" + next).toString());
    driver.findElement(By.name("token")).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("form.login button")).click();
    await().until(() -> !driver.getCurrentUrl().contains("/login"));
  }

  /** POSTs a form from the page, as another site's script or a curl would, and gives the status. */
  private long post(String path, String body) {
    Object status =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', body: arguments[1],"
                    + " headers: {'Content-Type': 'application/x-www-form-urlencoded'}})"
                    + ".then(r => done(r.status), e => done(String(e)));",
                console.uri().resolve(path).toString(),
                body);
    return ((Number) status).longValue();
  }

  private String figure(String name) {
    return driver.findElement(By.cssSelector("[data-stat='" + name + "']")).getText();
  }

  private String updatedText() {
    return driver.findElement(By.cssSelector("[data-updated]")).getText();
  }

  private void assertNoBrowserErrors() {
    List<String> severe = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()
          && !e.getMessage().contains("favicon.ico")) {
        severe.add(e.getMessage());
      }
    }
    assertEquals(List.of(), severe, "the browser's console");
  }

  private void screenshot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(name + ".png"), png);
  }
}
