<?php
// A minimal stand-in for WordPress, enough to load examples/wordpress/narrator.php
// unchanged and fire the hooks it listens to. HTTP goes out for real (PHP's stream
// wrapper), to the narrator server the test started on 127.0.0.1.
//
//   php harness.php PLUGIN SCENARIO
//
// Settings come from the environment (NARRATOR_URL, NARRATOR_TOKEN, NARRATOR_ENGINE)
// as WordPress options. Every request the plugin makes is printed as a JSON line
// {"method", "url", "status", "body"}.

define('ABSPATH', __DIR__ . '/');

$GLOBALS['wp_actions'] = array();
$GLOBALS['wp_requests'] = array();
$GLOBALS['wp_meta'] = array();
$GLOBALS['wp_options'] = array(
    'narrator_url'    => getenv('NARRATOR_URL'),
    'narrator_token'  => getenv('NARRATOR_TOKEN'),
    'narrator_engine' => getenv('NARRATOR_ENGINE'),
);
$GLOBALS['wp_users'] = array(7 => array('display_name' => 'Ana Ruiz'));

class WP_Post
{
    public $ID;
    public $post_type = 'post';
    public $post_status = 'publish';
    public $post_title = '';
    public $post_content = '';
    public $post_name = '';
    public $post_parent = 0;
    public $post_author = 7;
    public $post_password = '';
    public $post_date_gmt = '2026-11-30 08:00:00';

    public function __construct(array $fields)
    {
        foreach ($fields as $k => $v) {
            $this->$k = $v;
        }
    }
}

class WP_Error
{
    private $message;

    public function __construct($code, $message)
    {
        $this->message = $message;
    }

    public function get_error_message()
    {
        return $this->message;
    }
}

$GLOBALS['wp_posts'] = array();

function wp_post($id)
{
    return isset($GLOBALS['wp_posts'][$id]) ? $GLOBALS['wp_posts'][$id] : null;
}

function add_action($hook, $callback, $priority = 10, $accepted_args = 1)
{
    $GLOBALS['wp_actions'][$hook][] = array($callback, $accepted_args);
    return true;
}

function do_action($hook, ...$args)
{
    foreach (isset($GLOBALS['wp_actions'][$hook]) ? $GLOBALS['wp_actions'][$hook] : array() as $a) {
        call_user_func_array($a[0], array_slice($args, 0, $a[1]));
    }
}

function apply_filters($hook, $value, ...$args)
{
    return $value;
}

function get_option($name, $default = false)
{
    $v = isset($GLOBALS['wp_options'][$name]) ? $GLOBALS['wp_options'][$name] : false;
    return ($v === false || $v === '') ? $default : $v;
}

function home_url()
{
    return 'https://news.example';
}

function wp_parse_url($url, $component = -1)
{
    return parse_url($url, $component);
}

// As WordPress: the parent's ID for a revision (autosaves are revisions too), else false.
function wp_is_post_revision($post)
{
    $p = is_object($post) ? $post : wp_post($post);
    return ($p && $p->post_type === 'revision') ? (int) $p->post_parent : false;
}

function wp_is_post_autosave($post)
{
    $p = is_object($post) ? $post : wp_post($post);
    if ($p && $p->post_type === 'revision' && strpos($p->post_name, $p->post_parent . '-autosave') !== false) {
        return (int) $p->post_parent;
    }
    return false;
}

function get_the_title($post)
{
    return $post->post_title;
}

function get_the_author_meta($field, $user_id)
{
    return $GLOBALS['wp_users'][$user_id][$field];
}

function get_post_time($format, $gmt, $post)
{
    return gmdate($format, strtotime($post->post_date_gmt . ' UTC'));
}

function get_permalink($post)
{
    return home_url() . '/' . $post->post_name . '/';
}

function update_post_meta($id, $key, $value)
{
    $GLOBALS['wp_meta'][$id][$key] = $value;
    return true;
}

function delete_post_meta($id, $key)
{
    unset($GLOBALS['wp_meta'][$id][$key]);
    return true;
}

function wp_json_encode($data)
{
    return json_encode($data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
}

function is_wp_error($thing)
{
    return $thing instanceof WP_Error;
}

function wp_remote_request($url, $args = array())
{
    $method = isset($args['method']) ? $args['method'] : 'GET';
    $headers = '';
    foreach (isset($args['headers']) ? $args['headers'] : array() as $k => $v) {
        $headers .= "$k: $v\r\n";
    }
    $context = stream_context_create(array('http' => array(
        'method'        => $method,
        'header'        => $headers,
        'content'       => isset($args['body']) ? $args['body'] : '',
        'timeout'       => isset($args['timeout']) ? $args['timeout'] : 5,
        'ignore_errors' => true,
    )));
    $body = @file_get_contents($url, false, $context);
    if ($body === false) {
        return new WP_Error('http_request_failed', "cannot reach $url");
    }
    $status = 0;
    foreach ($http_response_header as $line) {
        if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m)) {
            $status = (int) $m[1];
        }
    }
    $GLOBALS['wp_requests'][] = array('method' => $method, 'url' => $url, 'status' => $status, 'body' => json_decode($body, true));
    return array('response' => array('code' => $status), 'body' => $body);
}

function wp_remote_post($url, $args = array())
{
    $args['method'] = 'POST';
    return wp_remote_request($url, $args);
}

function wp_remote_retrieve_response_code($response)
{
    return $response['response']['code'];
}

function wp_remote_retrieve_body($response)
{
    return $response['body'];
}

// ---------------------------------------------------------------------------------

if ($argc < 3) {
    fwrite(STDERR, "usage: php harness.php PLUGIN SCENARIO\n");
    exit(2);
}
require $argv[1];

$content = "<!-- wp:paragraph -->\n<p>The harbour reopened on Monday after two years of repairs.</p>\n<!-- /wp:paragraph -->\n"
    . "<!-- wp:paragraph -->\n<p>Ferries to the islands run again from Tuesday.</p>\n<!-- /wp:paragraph -->";
$published = new WP_Post(array(
    'ID' => 42, 'post_title' => 'Harbour reopens &amp; ferries return', 'post_content' => $content,
    'post_name' => 'harbour-reopens',
));
$GLOBALS['wp_posts'][42] = $published;

switch ($argv[2]) {
    case 'publish':
        // An autosave and a revision of post 42, and a draft: nothing is sent.
        $autosave = new WP_Post(array('ID' => 101, 'post_type' => 'revision', 'post_status' => 'inherit',
            'post_parent' => 42, 'post_name' => '42-autosave-v1', 'post_content' => $content));
        $revision = new WP_Post(array('ID' => 102, 'post_type' => 'revision', 'post_status' => 'inherit',
            'post_parent' => 42, 'post_name' => '42-revision-v1', 'post_content' => $content));
        $draft = new WP_Post(array('ID' => 43, 'post_status' => 'draft', 'post_title' => 'Draft',
            'post_content' => '<p>Not yet.</p>', 'post_name' => 'draft'));
        $page = new WP_Post(array('ID' => 44, 'post_type' => 'page', 'post_title' => 'About',
            'post_content' => '<p>About us.</p>', 'post_name' => 'about'));
        foreach (array($autosave, $revision, $draft, $page) as $p) {
            $GLOBALS['wp_posts'][$p->ID] = $p;
            do_action('wp_after_insert_post', $p->ID, $p, false, null);
        }
        // Published (it was a draft), then saved again unchanged.
        $before = clone $published;
        $before->post_status = 'draft';
        do_action('wp_after_insert_post', 42, $published, true, $before);
        do_action('wp_after_insert_post', 42, $published, true, clone $published);
        break;
    case 'delete':
        do_action('before_delete_post', 42, $published);
        break;
    default:
        fwrite(STDERR, "unknown scenario {$argv[2]}\n");
        exit(2);
}
foreach ($GLOBALS['wp_requests'] as $r) {
    echo json_encode($r, JSON_UNESCAPED_SLASHES), "\n";
}
if (isset($GLOBALS['wp_meta'][42]['_narrator_id'])) {
    echo json_encode(array('meta' => $GLOBALS['wp_meta'][42]['_narrator_id'])), "\n";
}
