<?php
/**
 * Plugin Name: narrator
 * Description: Narrates published posts with a narrator server (narrator serve) and
 *              takes the narration down when a post is unpublished or deleted.
 * Version:     0.1.0
 * License:     MIT OR Apache-2.0
 *
 * A must-use plugin: copy this file to wp-content/mu-plugins/. Settings, as options
 * (`wp option update narrator_url https://narrator.example`) or as constants in
 * wp-config.php (NARRATOR_URL, NARRATOR_TOKEN, ...), constants winning:
 *
 *   narrator_url     the server's base URL                          (required)
 *   narrator_token   an API token from `narrator token create`       (required)
 *   narrator_site    the site's name in external ids (default: the home URL's host)
 *   narrator_voice   a voice id, narrator_engine an engine name      (optional)
 *   narrator_callback_url  where narration.done/failed is sent       (optional)
 *
 * Each post is the narration `wordpress:<site>:<post ID>`: publishing it again
 * unchanged costs nothing (the server answers with the existing narration), an edit
 * makes a new revision.
 */

if (!defined('ABSPATH')) {
    exit;
}

/** A setting: the NARRATOR_* constant, else the narrator_* option. */
function narrator_setting($name)
{
    $constant = 'NARRATOR_' . strtoupper($name);
    if (defined($constant)) {
        return (string) constant($constant);
    }
    return (string) get_option('narrator_' . $name, '');
}

/** `wordpress:<site>:<ID>`: one narration (and its revisions) per post. */
function narrator_external_id($post_id)
{
    $site = narrator_setting('site');
    if ($site === '') {
        $site = (string) wp_parse_url(home_url(), PHP_URL_HOST);
    }
    return 'wordpress:' . $site . ':' . (int) $post_id;
}

/** Call the server; the decoded JSON answer and status, or null when unreachable. */
function narrator_call($method, $path, $body = null)
{
    $base = rtrim(narrator_setting('url'), '/');
    $token = narrator_setting('token');
    if ($base === '' || $token === '') {
        return null;
    }
    $args = array(
        'method'  => $method,
        'timeout' => 15,
        'headers' => array(
            'Authorization' => 'Bearer ' . $token,
            'Accept'        => 'application/json',
        ),
    );
    if ($body !== null) {
        $args['headers']['Content-Type'] = 'application/json';
        $args['body'] = wp_json_encode($body);
    }
    $response = wp_remote_request($base . $path, $args);
    if (is_wp_error($response)) {
        error_log('narrator: ' . $method . ' ' . $path . ': ' . $response->get_error_message());
        return null;
    }
    $status = (int) wp_remote_retrieve_response_code($response);
    if ($status >= 400) {
        error_log('narrator: ' . $method . ' ' . $path . ' answered ' . $status . ': '
            . wp_remote_retrieve_body($response));
    }
    return array('status' => $status, 'body' => json_decode(wp_remote_retrieve_body($response), true));
}

/**
 * `wp_after_insert_post` fires once the post, its terms and its meta are saved
 * (`save_post` fires before the block editor has saved meta). Published posts are
 * narrated; a post that leaves `publish` (draft, private, trash) is taken down.
 */
function narrator_after_insert_post($post_id, $post, $update, $post_before)
{
    if (wp_is_post_autosave($post_id) || wp_is_post_revision($post_id)) {
        return;
    }
    if (!in_array($post->post_type, apply_filters('narrator_post_types', array('post')), true)) {
        return;
    }
    if ($post->post_status !== 'publish') {
        if ($post_before && $post_before->post_status === 'publish') {
            narrator_remove($post_id);
        }
        return;
    }
    $body = array(
        'source'       => array('html' => apply_filters('the_content', $post->post_content)),
        'external_id'  => narrator_external_id($post_id),
        'title'        => html_entity_decode(get_the_title($post), ENT_QUOTES, 'UTF-8'),
        'author'       => get_the_author_meta('display_name', $post->post_author),
        'published_at' => get_post_time('c', true, $post),
        'link'         => get_permalink($post),
        // Password-protected posts are narrated but stay out of the public feed.
        'public'       => $post->post_password === '',
        'metadata'     => array('wordpress_post_id' => (int) $post_id),
    );
    foreach (array('voice', 'engine', 'callback_url') as $optional) {
        $value = narrator_setting($optional);
        if ($value !== '') {
            $body[$optional] = $value;
        }
    }
    $answer = narrator_call('POST', '/v1/narrations', apply_filters('narrator_request', $body, $post));
    if ($answer && isset($answer['body']['id'])) {
        update_post_meta($post_id, '_narrator_id', $answer['body']['id']);
    }
}

/** Delete every narration of the post (all its revisions). */
function narrator_remove($post_id)
{
    $answer = narrator_call('GET', '/v1/narrations?external_id=' . rawurlencode(narrator_external_id($post_id)));
    if (!$answer || !isset($answer['body']['items'])) {
        return;
    }
    foreach ($answer['body']['items'] as $narration) {
        if (empty($narration['deleted'])) {
            narrator_call('DELETE', '/v1/narrations/' . rawurlencode($narration['id']));
        }
    }
    delete_post_meta($post_id, '_narrator_id');
}

function narrator_before_delete_post($post_id, $post = null)
{
    if (wp_is_post_revision($post_id) || wp_is_post_autosave($post_id)) {
        return;
    }
    narrator_remove($post_id);
}

add_action('wp_after_insert_post', 'narrator_after_insert_post', 10, 4);
add_action('before_delete_post', 'narrator_before_delete_post', 10, 2);
